"""The workbench's URLs plus ``/static/...`` for the course's files and media."""

from django.urls import re_path
from workbench.urls import urlpatterns as workbench_urlpatterns

from scripts.preview.media import serve_static

urlpatterns = [
    re_path(r"^static/(?P<path>.+)$", serve_static, name="course_static"),
    *workbench_urlpatterns,
]
