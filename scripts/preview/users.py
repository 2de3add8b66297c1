"""The preview's user service: the LMS's shape (username, staff flag) for ``?student=NAME``.

Kept in a module of its own: the workbench loads it by path from settings.
"""

from xblock.reference.user_service import UserService, XBlockUser

from xblocks.common.users import STAFF_ATTR, USERNAME_ATTR

STAFF_PREFIX = "staff"


def is_staff_name(name):
    """Preview rule: learners whose name begins with ``staff`` are staff."""
    return str(name or "").startswith(STAFF_PREFIX)


class PreviewUserService(UserService):
    """Built with no arguments by the workbench, which then sets ``.runtime``."""

    runtime = None

    def __init__(self):
        super().__init__(user=None)

    def get_current_user(self):
        uid = str(getattr(self.runtime, "user_id", None) or "student_1")
        user = lms_shaped_user(uid, is_staff_name(uid))
        user.opt_attrs["xblock-workbench.user_id"] = uid
        return user


def lms_shaped_user(uid, staff):
    """The ``XBlockUser`` the LMS user service answers: username, user id and staff flag in ``opt_attrs``."""
    user = XBlockUser(is_current_user=True, full_name=uid, emails=[f"{uid}@example.com"])
    user.opt_attrs.update({"edx-platform.user_id": uid, USERNAME_ATTR: uid, STAFF_ATTR: bool(staff)})
    return user
