"""The workbench's URLs, ``/static/...`` for the course's files and media, the Learning MFE's pages."""

from django.urls import re_path
from workbench.urls import urlpatterns as workbench_urlpatterns

from scripts.preview import mfe
from scripts.preview.media import serve_static

urlpatterns = [
    re_path(r"^static/(?P<path>.+)$", serve_static, name="course_static"),
    # The Learning MFE and the LMS routes it uses (scripts/preview/mfe.py).
    re_path(r"^learning/course/(?P<course_id>[^/]+)/?$", mfe.course_home, name="mfe_course"),
    re_path(
        r"^learning/course/(?P<course_id>[^/]+)/(?P<sequence_id>[^/]+)/(?P<unit_id>[^/]+)/?$",
        mfe.unit_page,
        name="mfe_unit",
    ),
    re_path(r"^xblock/(?P<usage_key>[^/]+)/?$", mfe.xblock_view, name="lms_xblock"),
    re_path(
        r"^courses/(?P<course_id>[^/]+)/jump_to_id/(?P<block_id>[^/]+)/?$", mfe.jump_to_id, name="jump_to_id"
    ),
    *workbench_urlpatterns,
]
