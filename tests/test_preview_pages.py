"""The preview's list of pages and its page template: what each page offers phones and assistive tools."""

WHOLE = """<!-- title: Whole course (test build) -->
<vertical_demo><html_demo><p>One unit of a test build.</p></html_demo></vertical_demo>
"""


def test_reset_state_keeps_the_built_course_listed(workbench, client, tmp_path, monkeypatch):
    (tmp_path / "preview").mkdir()
    (tmp_path / "preview" / "whole_course.xml").write_text(WHOLE, encoding="utf-8")
    monkeypatch.setenv("FACILITATOR_BUILD", str(tmp_path))
    from workbench.runtime_util import reset_global_state

    reset_global_state()  # as the "Reset state of every learner" button does
    index = client.get("/").content.decode()
    assert 'href="/scenario/whole_course/"' in index and "Whole course (test build)" in index
    response = client.post("/reset_state", HTTP_REFERER="/scenario/whole_course/")
    assert response.status_code == 302
    index = client.get("/").content.decode()
    assert 'href="/scenario/whole_course/"' in index
    assert client.get("/scenario/whole_course/?student=ana").status_code == 200


def test_pages_declare_language_title_viewport_and_main(workbench, client):
    for path in ("/", "/scenario/checkpoint_quiz.0/?student=ana"):
        page = client.get(path).content.decode()
        assert '<html lang="en">' in page, path
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page, path
        assert "<title>" in page and "<title></title>" not in page, path
        assert page.count("<main") == 1 and '<link rel="icon" href="data:,">' in page, path
