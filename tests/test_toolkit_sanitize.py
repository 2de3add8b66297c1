"""Sanitising the toolkit's HTML and checking resource links: a table of hostile inputs."""

import pytest

from xblocks.stage_toolkit.sanitize import clean_html, resource_link_problem, safe_resource_link

HOSTILE = [
    # (name, input, must not contain (lower-cased), must contain)
    ("script tag", "<p>hi</p><script>alert(1)</script>", ["<script", "alert"], ["<p>hi</p>"]),
    ("script upper case", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok", ["<script", "evil"], ["ok"]),
    ("style tag", "<style>body{display:none}</style>ok", ["<style", "display"], ["ok"]),
    ("onerror attribute", '<img src=x onerror="alert(1)">', ["onerror", "<img", "alert"], []),
    ("onclick attribute", '<p onclick="steal()">text</p>', ["onclick", "steal"], ["<p>text</p>"]),
    ("onmouseover on link", '<a href="/x" onmouseover="x()">l</a>', ["onmouseover"], ['href="/x"']),
    ("javascript link", '<a href="javascript:alert(1)">x</a>', ["javascript", "alert"], [">x</a>"]),
    ("javascript mixed case", '<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "alert"], []),
    ("javascript with tab entity", '<a href="jav&#x09;ascript:alert(1)">x</a>', ["ascript", "alert"], []),
    ("javascript with entities", '<a href="&#106;avascript:alert(1)">x</a>', ["avascript", "alert"], []),
    ("data link", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:", "base64"], []),
    ("vbscript link", '<a href="vbscript:msgbox(1)">x</a>', ["vbscript"], []),
    ("iframe", '<iframe src="https://evil.example"></iframe>after', ["<iframe", "evil"], ["after"]),
    ("svg script", "<svg><script>alert(1)</script></svg>", ["<svg", "<script", "alert"], []),
    ("svg onload", '<svg onload="alert(1)"></svg>', ["onload", "<svg"], []),
    ("math xlink", '<math><mi xlink:href="javascript:1">x</mi></math>', ["javascript", "xlink"], []),
    ("form and input", '<form action="/x"><input name=a></form>', ["<form", "<input"], []),
    (
        "style attribute",
        '<p style="background:url(javascript:1)">t</p>',
        ["style", "javascript"],
        ["<p>t</p>"],
    ),
    ("nested script split", "<scr<script>ipt>alert(1)</script>", ["<script", "<scr"], []),
    ("broken: unclosed tags", "<p>open <b>bold", [], ["<p>open <b>bold</b></p>"]),
    ("broken: stray end tag", "text</div></p>", ["</div>"], ["text"]),
    ("broken: attribute quotes", '<a href="/ok>x</a>', ['<a href="/ok>'], []),
    ("comment hiding script", "<!--<script>alert(1)</script>-->ok", ["<script", "<!--"], ["ok"]),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]>ok", ["<script"], ["ok"]),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:1">', ["<meta", "refresh"], []),
    ("object embed", '<object data="x.swf"></object><embed src="x">', ["<object", "<embed"], []),
    ("base tag", '<base href="https://evil.example/">', ["<base", "evil"], []),
]


@pytest.mark.parametrize(("name", "hostile", "absent", "present"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_html_is_cleaned(name, hostile, absent, present):
    cleaned = clean_html(hostile)
    lowered = cleaned.lower()
    for bad in absent:
        assert bad.lower() not in lowered, f"{name}: {bad!r} survived in {cleaned!r}"
    for good in present:
        assert good in cleaned, f"{name}: {good!r} missing from {cleaned!r}"
    # Cleaning is stable: cleaning twice changes nothing.
    assert clean_html(cleaned) == cleaned


def test_allowed_markup_survives():
    html = (
        '<p>A <strong>bold</strong> and <em>calm</em> <a href="https://example.org/x" title="t">link</a></p>'
    )
    cleaned = clean_html(html + "<ul><li>one</li></ul><h3>Head</h3><br>")
    assert '<a href="https://example.org/x" title="t" rel="noopener noreferrer">link</a>' in cleaned
    assert "<strong>bold</strong>" in cleaned and "<em>calm</em>" in cleaned
    assert "<ul><li>one</li></ul>" in cleaned and "<h3>Head</h3>" in cleaned


def test_empty_and_non_string_inputs():
    assert clean_html("") == ""
    assert clean_html(None) == ""
    assert clean_html(42) == "42"


@pytest.mark.parametrize(
    "href",
    ["/static/report.pdf", "/static/guides/sector%20report.pdf", "https://www.nga.org/publications/"],
)
def test_good_resource_links(href):
    assert resource_link_problem(href) is None
    assert safe_resource_link(href) == href


@pytest.mark.parametrize(
    "href",
    [
        "",
        "   ",
        None,
        42,
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:application/pdf;base64,AAAA",
        "http://example.org/plain-http",
        "ftp://example.org/file",
        "//evil.example/protocol-relative",
        "static/report.pdf",
        "/static/../settings.py",
        "/static//double",
        "/static/",
        "/static/a b.pdf",
        "/static/a\\b.pdf",
        "/static/x\x00.pdf",
        "https://",
        "https:///no-host",
        "https://user:pass@example.org/",
        "/courses/other/x.pdf",
        " https://example.org/leading-space",
    ],
)
def test_bad_resource_links(href):
    assert resource_link_problem(href)
    assert safe_resource_link(href) is None
