"""Who is asking: the user service as the LMS and the preview provide it."""

STAFF_ATTR = "edx-platform.user_is_staff"
USERNAME_ATTR = "edx-platform.username"


def current_user(block):
    """The XBlockUser of the request, or None where the runtime has no user service."""
    service = block.runtime.service(block, "user")
    return service.get_current_user() if service is not None else None


def is_staff(block):
    """True only when the user service says the current user is staff."""
    user = current_user(block)
    return bool(user is not None and user.opt_attrs.get(STAFF_ATTR))


def username(block):
    """The learner's name for reports: the LMS username, else the runtime's user id."""
    user = current_user(block)
    if user is not None:
        name = user.opt_attrs.get(USERNAME_ATTR)
        if name:
            return str(name)
    return str(block.scope_ids.user_id)
