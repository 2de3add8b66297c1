"""A pure in-memory XBlock runtime for tests (no Django): several users on one store, events recorded.

    h = Harness()                        # one store; users are runtimes bound to it
    block = h.parse(OLX)                 # parsed once, the usage is shared by every user
    status, body = h.call_handler(block, "submit", {"answers": ...}, user="ana")
    h.events("ana")                      # [(event_type, data), ...] published for ana
    h.render(block, "student_view", user="staff_1")   # staff_* users are staff

``user_state`` is separate per user, ``user_state_summary`` and content are shared, as in the LMS.
"""

import json

import webob
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService
from xblock.runtime import DictKeyValueStore, KvsFieldData, MemoryIdManager, NullI18nService, Runtime

from scripts.preview.users import lms_shaped_user


class HarnessUserService(UserService):
    """This runtime's user service: the LMS's user shape (``lms_shaped_user``, shared with the preview)."""

    def __init__(self, user_id, staff):
        super().__init__()
        self._user = lms_shaped_user(str(user_id), staff)

    def get_current_user(self):
        return self._user


class MemoryRuntime(Runtime):
    """A runtime bound to one user; publish records events, handler URLs are plain strings."""

    def __init__(self, harness, user_id, services):
        super().__init__(
            id_reader=harness.id_manager,
            id_generator=harness.id_manager,
            services={"field-data": harness.field_data, **services},
        )
        self.harness = harness
        self.learner_id = user_id  # not Runtime.user_id: that property is deprecated and warns on each use

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        url = f"/handler/{block.scope_ids.usage_id}/{handler_name}/{suffix}"
        return f"{url}?{query}" if query else url

    def resource_url(self, resource):
        return f"/resource/{resource}"

    def local_resource_url(self, block, uri):
        return f"/local/{block.scope_ids.block_type}/{uri}"

    def publish(self, block, event_type, event_data):
        self.harness.published.append((self.learner_id, block.scope_ids.usage_id, event_type, event_data))

    def get_block(self, usage_id, for_parent=None):
        def_id = self.id_reader.get_definition_id(usage_id)
        block_type = self.id_reader.get_block_type(def_id)
        keys = ScopeIds(self.learner_id, block_type, def_id, usage_id)
        return self.construct_xblock(block_type, keys, for_parent=for_parent)


class Harness:
    """Several users on one in-memory store. Users whose id starts with ``staff`` are staff."""

    def __init__(self, staff=None, services=None, user_services=None):
        """``services``: shared by every user; ``user_services``: ``{name: factory(user_id)}``, one each."""
        self.kvs = DictKeyValueStore()
        self.field_data = KvsFieldData(self.kvs)
        self.id_manager = MemoryIdManager()
        self.published = []
        self.extra_services = services or {}
        self.user_services = user_services or {}
        self.staff = set(staff or ())
        self._runtimes = {}

    def is_staff(self, user):
        return user in self.staff or str(user).startswith("staff")

    def runtime(self, user="learner"):
        if user not in self._runtimes:
            services = {
                "user": HarnessUserService(user, self.is_staff(user)),
                "i18n": NullI18nService(),
                **self.extra_services,
                **{name: factory(user) for name, factory in self.user_services.items()},
            }
            self._runtimes[user] = MemoryRuntime(self, user, services)
        return self._runtimes[user]

    def parse(self, olx):
        """Parse OLX once; returns the block as seen by the default user."""
        runtime = self.runtime("author")
        usage_id = runtime.parse_xml_string(olx)
        return runtime.get_block(usage_id)

    def block(self, block_or_usage, user="learner"):
        """The same usage as seen by ``user`` (fresh instance: state read from the store)."""
        usage_id = getattr(getattr(block_or_usage, "scope_ids", None), "usage_id", block_or_usage)
        return self.runtime(user).get_block(usage_id)

    def call_handler(self, block, name, payload=None, user="learner", method="POST", raw=None):
        """Call a handler through ``runtime.handle``; returns ``(status, json_or_text)``."""
        block = self.block(block, user)
        request = webob.Request.blank("/", method=method)
        if raw is not None:
            request.body = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        elif payload is not None:
            request.body = json.dumps(payload).encode("utf-8")
        request.content_type = "application/json"
        response = block.runtime.handle(block, name, request)
        text = response.body.decode("utf-8")
        try:
            return response.status_code, json.loads(text)
        except ValueError:
            return response.status_code, text

    def render(self, block, view="student_view", user="learner", context=None):
        """The fragment's body HTML for ``user``."""
        block = self.block(block, user)
        return block.runtime.render(block, view, context or {}).body_html()

    def events(self, user=None, event_type=None):
        """Published events as ``(event_type, data)``, filtered by user and/or type."""
        return [
            (etype, data)
            for uid, _usage, etype, data in self.published
            if (user is None or uid == user) and (event_type is None or etype == event_type)
        ]

    def clear_events(self):
        self.published.clear()
