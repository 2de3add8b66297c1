"""Deep links into a session video at a second, that survive the Learning MFE.

The links: the progress page's "Continue" and transcript search results, and the stage toolkit's
"Watch: Session 2, chapter 2". Each is ``/courses/<course>/jump_to_id/<video ref>#t=SECONDS&module=<ref>``
(``jump_href``) with ``target="_top"``: it always navigates the top page, never only the unit's iframe.

Where the second has to travel:

- Legacy courseware page and the preview's own pages: the unit is part of the top page, so the video
  reads ``#t=`` from ``window.location`` (the browser keeps the fragment across ``jump_to_id``'s redirect).
- Learning MFE: the top page is the MFE (its own origin); the unit is an iframe on the LMS origin,
  ``<LMS>/xblock/<unit key>?...``. ``jump_to_id`` redirects to the MFE unit keeping only ``jumpToId``
  (the video's usage key), which the MFE passes to the iframe as ``?jumpToId=`` and ``#<key>``. The top
  page's fragment never reaches the iframe's URL.

Options weighed (no new server state per click, as asked):

1. The second inside ``jumpToId``: ``jump_to_id`` looks the id up in the modulestore, so
   ``session-3-video@2530`` is a 404. Out.
2. A query parameter on the ``jump_to_id`` URL: the MFE keeps only ``jumpToId`` for the iframe. Out.
3. The iframe reads the top page's URL: another origin, and the iframe's ``referrerpolicy="origin"``
   hides the path. Out.
4. Current MFEs post the top page's fragment into the unit's iframe (``postMessage({hashName:
   location.hash})`` after load and on every resize; the LMS uses it to scroll to an anchor). The video
   listens for it and seeks once per distinct fragment (the same fragment posted again on a resize does
   not seek back). Used, as a second channel: it works only while the MFE keeps the fragment, which its
   own in-app redirects (course or unit URLs without a sequence) do not.
5. A hand-off through LMS-origin storage, the channel every deep link relies on: the page holding the
   link (the progress or toolkit block, rendered on the LMS origin, in the MFE's iframe or the legacy
   page) writes ``sessionStorage["chaptered-video:seek:<ref>"] = {"t": seconds, "at": epoch ms}`` when
   the link is clicked; the video block of that ``ref`` takes it (reads and deletes it) when it starts,
   if the record is less than ``HANDOFF_MAX_AGE_SECONDS`` old and the unit was opened by a jump to this
   video (its page URL's ``jumpToId``, or the legacy page's ``activate_block_id``, names the video).
   Why it holds: both iframes are on the LMS origin inside the same top-level site, so they share one
   storage partition (Chromium and Firefox partition third-party storage by top-level site: same
   partition here); ``sessionStorage`` belongs to the tab and survives the top page's navigation through
   ``jump_to_id`` and the MFE. Why ``sessionStorage`` and not ``localStorage``: another tab never takes a
   seek meant for this one. Limits: a link opened in a new tab (middle-click) carries no hand-off and
   opens the video at the learner's resume point in the MFE (the fragment still works on the legacy
   page); browsers that block all storage in third-party iframes (strict privacy modes) do the same.

Order in the video block: the page's own ``#t=`` (legacy, preview), else the hand-off, else a
``hashName`` message, else the learner's resume point. Every channel checks that the second lies inside
the video and that ``module`` names this video (or nothing). The JavaScript halves live in
``chaptered_video/static/js/chaptered_video.js`` (reader) and in ``progress.js``/``toolkit.js``
(writers); they use ``HANDOFF_PREFIX`` and ``HANDOFF_MAX_AGE_SECONDS`` as written here.
"""

from urllib.parse import quote

from xblocks.common.keys import course_key  # noqa: F401  (re-exported: the links' course)

HANDOFF_PREFIX = "chaptered-video:seek:"
HANDOFF_MAX_AGE_SECONDS = 120


def jump_href(course, ref, seconds=None):
    """``/courses/<course>/jump_to_id/<ref>``, plus ``#t=SECONDS&module=<ref>`` when ``seconds`` is given.

    ``seconds`` is rounded to a whole second; ``ref`` and the course are quoted (a hostile ref cannot add
    a parameter or leave the attribute).
    """
    target = quote(str(ref), safe="")
    href = f"/courses/{quote(str(course), safe=':+')}/jump_to_id/{target}"
    if seconds is None:
        return href
    return f"{href}#t={float(seconds):.0f}&module={target}"
