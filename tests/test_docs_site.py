"""The documentation site's structure: a landing page that shows the package at a
glance, guide pages with navigation between them, headings in words, and wide
tables that scroll inside the page. (The site itself is built with warnings as
errors by .ci/run, and was checked by eye in a headless browser at 1,400 px.)"""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_landing_page_shows_the_package_at_a_glance():
    page = (DOCS / "index.md").read_text()
    assert "```{figure} comparison.png" in page  # the main job's figure
    # README's quick example, included rather than copied
    assert '```{include} ../README.md\n:start-after: "## Quick example"' in page
    assert "## Quick example" in (DOCS.parent / "README.md").read_text()
    assert "[Choosing an encoding](guide/choosing.md)" in page
    toctree = re.search(r"```\{toctree\}\n:hidden:\n\n(.*?)```", page, re.S)
    assert toctree and toctree.group(1).split() == [
        "guide/index",
        "api",
        "auto_examples/index",
    ]


def test_every_guide_page_is_in_the_guide_section():
    # one toctree of the guide: each page's sidebar lists its siblings
    index = (DOCS / "guide" / "index.md").read_text()
    listed = re.search(r"```\{toctree\}\n:maxdepth: 1\n\n(.*?)```", index, re.S)
    pages = {path.stem for path in (DOCS / "guide").glob("*.md")} - {"index"}
    assert listed and set(listed.group(1).split()) == pages


def test_headings_are_words_not_commands():
    for path in [DOCS / "index.md", *(DOCS / "guide").glob("*.md")]:
        text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)  # not code
        for heading in re.findall(r"^#+ .*$", text, re.M):
            assert "`" not in heading, f"{path.name}: {heading}"


def test_wide_tables_scroll_inside_the_page():
    css = (DOCS / "_static" / "custom.css").read_text()
    rule = re.search(r"\.bd-article table \{(.*?)\}", css, re.S).group(1)
    assert "display: block" in rule and "overflow-x: auto" in rule
    conf = (DOCS / "conf.py").read_text()
    assert 'html_css_files = ["custom.css"]' in conf
