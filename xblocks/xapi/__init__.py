"""xAPI statements for the course's own tracking events, through Open edX's event-routing-backends.

A Django app the LMS loads as a plugin (``lms.djangoapp`` entry point, :mod:`xblocks.xapi.apps`). Where
event-routing-backends is installed, its ``ready()`` registers one transformer per custom event type
(:mod:`xblocks.xapi.transformers`) and its plugin settings add those event types to the ones
event-routing-backends routes. Without event-routing-backends nothing is registered and nothing changes.
The blocks never import this package.

- ``vocabulary`` the event types, verbs, activity types and extension IRIs (plain data, no imports)
- ``checks`` the field rules each event must meet before a statement is made (plain Python)
- ``transformers`` the transformers (imports event-routing-backends; loaded only by ``apps.ready``)
- ``settings`` the plugin settings hook
"""
