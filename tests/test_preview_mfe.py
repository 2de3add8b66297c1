"""The preview's Learning MFE routes over HTTP (Django test client): jump_to_id, the MFE page, /xblock/."""

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from opaque_keys.edx.keys import CourseKey

from scripts.preview.course_map import OutlineError, read_outline

REPO = Path(__file__).resolve().parents[1]
COURSE = "course-v1:NGSP+Facilitator+preview"
KEY = "block-v1:NGSP+Facilitator+preview+type@"
LMS = {"HTTP_HOST": "lms.localhost:8123"}
MFE = {"HTTP_HOST": "apps.lms.localhost:8123"}
SESSION_3_UNIT = f"{KEY}vertical+block@session-3-watch-unit"
SESSION_3_PAGE = f"/learning/course/{COURSE}/{KEY}sequential+block@session-3-watch/{SESSION_3_UNIT}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from course.build import build

    folder = tmp_path_factory.mktemp("mfe-build")
    build(REPO / "course" / "content", folder)
    return folder


@pytest.fixture
def preview(built, monkeypatch, request):
    """The workbench with the built course loaded (the "Whole course" page the MFE's units come from)."""
    monkeypatch.setenv("FACILITATOR_BUILD", str(built))
    request.getfixturevalue("workbench")
    return built


def test_jump_to_id_opens_the_mfe_unit_passing_only_jump_to_id(preview, client):
    response = client.get(
        f"/courses/{COURSE}/jump_to_id/session-3-video?t=2530&module=session-3-video&student=ana", **LMS
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc) == ("http", "apps.lms.localhost:8123")
    assert target.path == SESSION_3_PAGE
    assert parse_qs(target.query) == {
        "jumpToId": [f"{KEY}chaptered_video+block@session-3-video"],
        "student": ["ana"],
    }
    assert not target.fragment  # the browser keeps the link's own fragment across the redirect


def test_jump_to_id_takes_the_learner_from_the_page_that_jumped(preview, client):
    referrer = f"http://lms.localhost:8123/xblock/{SESSION_3_UNIT}?student=ben&view=student_view"
    response = client.get(f"/courses/{COURSE}/jump_to_id/progress", HTTP_REFERER=referrer, **LMS)
    assert parse_qs(urlsplit(response["Location"]).query)["student"] == ["ben"]


def test_jump_to_a_section_or_unit_opens_its_first_unit_without_jump_to_id(preview, client):
    for target in ("session-3-module", "session-3-watch", "session-3-watch-unit"):
        location = urlsplit(client.get(f"/courses/{COURSE}/jump_to_id/{target}", **LMS)["Location"])
        assert location.path == SESSION_3_PAGE and "jumpToId" not in location.query


@pytest.mark.parametrize(
    "path, message",
    [
        (f"/courses/{COURSE}/jump_to_id/no-such-block", "No block 'no-such-block' in " + COURSE),
        (f"/courses/{COURSE}/jump_to_id/%3Cscript%3Ealert(1)", "No block '<script>alert(1)'"),
        ("/courses/course-v1:Other+Course+1/jump_to_id/session-3-video", f"serves the course {COURSE}"),
        (f"/learning/course/{COURSE}/{KEY}sequential+block@x/{KEY}vertical+block@x", "No unit"),
        (f"/learning/course/{COURSE}/{KEY}sequential+block@welcome-about/{SESSION_3_UNIT}", "No unit"),
        ("/learning/course/not-a-course/", "serves the course"),
        (f"/xblock/{KEY}vertical+block@nothing", "No unit"),
    ],
)
def test_unknown_targets_get_a_plain_404_naming_them(preview, client, path, message):
    response = client.get(path, **(MFE if path.startswith("/learning") else LMS))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def test_the_mfe_page_frames_the_unit_as_the_learning_mfe_does(preview, client):
    response = client.get(
        f"{SESSION_3_PAGE}?{urlencode({'jumpToId': f'{KEY}chaptered_video+block@session-3-video'})}"
        "&student=ana",
        **MFE,
    )
    assert response.status_code == 200
    page = response.content.decode()
    src = urlsplit(html.unescape(re.search(r'<iframe id="unit-iframe"[^>]* src="([^"]*)"', page).group(1)))
    assert (src.scheme, src.netloc, src.path) == ("http", "lms.localhost:8123", f"/xblock/{SESSION_3_UNIT}")
    jump = f"{KEY}chaptered_video+block@session-3-video"
    assert src.query == urlencode(  # sorted, as getIFrameUrl sorts them; "student" is the preview's login
        [
            ("jumpToId", jump),
            ("recheck_access", "1"),
            ("show_bookmark", "0"),
            ("show_title", "0"),
            ("student", "ana"),
            ("view", "student_view"),
        ]
    )
    assert src.fragment == jump
    allow = "microphone *; camera *; midi *; geolocation *; encrypted-media *; clipboard-write *; autoplay *"
    assert f'allow="{allow}"' in page
    assert 'allowfullscreen height="0" scrolling="no" referrerpolicy="origin"' in page
    assert "Unit 8 of 18" in page and 'class="mfe-previous"' in page and 'class="mfe-next"' in page
    assert response.cookies["preview_student"].value == "ana"
    # A later visit without ?student= is the same learner (the MFE's cookie), as after a jump_to_id.
    again = client.get(SESSION_3_PAGE, **MFE).content.decode()
    assert "student=ana&amp;view=student_view" in again


def test_the_mfe_page_lives_on_its_own_origin(preview, client):
    response = client.get(f"{SESSION_3_PAGE}?student=ana", HTTP_HOST="127.0.0.1:8123")
    assert response.status_code == 302
    assert response["Location"] == f"http://apps.lms.localhost:8123{SESSION_3_PAGE}?student=ana"


def test_course_home_opens_the_first_unit(preview, client):
    location = client.get(f"/learning/course/{COURSE}/?student=ana", **MFE)["Location"]
    assert urlsplit(location).path.endswith(f"{KEY}vertical+block@welcome-about-unit")


def test_a_hostile_learner_name_is_never_markup(preview, client):
    page = client.get(f"{SESSION_3_PAGE}?student=%3Cscript%3Ex%3C/script%3E", **MFE).content.decode()
    assert "<script>x" not in page
    bad = client.get(f"{SESSION_3_PAGE}?student=a%0Ab", **MFE)
    assert "preview_student" not in bad.cookies and "student=student_1" in bad.content.decode()


def test_the_lms_unit_page_renders_the_units_blocks_and_reports_its_size(preview, client):
    response = client.get(f"/xblock/{SESSION_3_UNIT}?view=student_view&show_title=0&student=ana", **LMS)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-block-type="chaptered_video"') == 1 and "ChapteredVideoInit" in page
    assert 'id="b-session-3-reading"' in page  # the unit's reading, after the video
    assert "course-unit-head" not in page  # the whole-course page's own heading and links are left out
    # The reading's link to the checkpoint leaves the unit as in the LMS: through jump_to_id, on the top page.
    assert f'target="_top" href="/courses/{COURSE}/jump_to_id/session-3-checkpoint"' in page
    assert "plugin.resize" in page and "studentId = 'ana'" in page
    assert "csrftoken" in response.cookies


def test_the_lms_unit_page_refuses_other_views(preview, client):
    response = client.get(f"/xblock/{SESSION_3_UNIT}?view=studio_view", **LMS)
    assert response.status_code == 400 and b"studio_view" in response.content


def test_an_unbuilt_course_says_so(tmp_path, monkeypatch, client, workbench):
    monkeypatch.setenv("FACILITATOR_BUILD", str(tmp_path))
    response = client.get(f"/courses/{COURSE}/jump_to_id/session-3-video", **LMS)
    assert response.status_code == 404
    assert "course.xml: missing (build the course first" in response.content.decode()


def test_outline_errors_name_the_file(tmp_path):
    key = CourseKey.from_string(COURSE)
    (tmp_path / "course.xml").write_text('<course url_name="r" org="o" course="c"/>')
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "r.xml").write_text('<course><chapter url_name="a"/></course>')
    (tmp_path / "chapter").mkdir()
    (tmp_path / "chapter" / "a.xml").write_text("<chapter><sequential url_name='s'/>")  # unclosed
    with pytest.raises(OutlineError, match=r"chapter/a.xml: not well-formed XML"):
        read_outline(tmp_path, key)
    (tmp_path / "chapter" / "a.xml").write_text("<chapter><sequential/></chapter>")
    with pytest.raises(OutlineError, match=r"chapter/a.xml: a <sequential> without url_name"):
        read_outline(tmp_path, key)
    (tmp_path / "course.xml").write_text("<course/>")
    with pytest.raises(OutlineError, match=r"course.xml: the <course> element has no url_name"):
        read_outline(tmp_path, key)
