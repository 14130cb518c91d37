"""The notebook view of verdicts: highlighted spans, the share bar, findings by category."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from copyguard import Category, Draft, Finding, PersonalizedSpan, Route, Severity, Verdict
from copyguard.integrations.policy import GuardedCopy, Outcome
from copyguard.render import guarded_html, share_bar, verdict_html

VOID = {"br", "img", "hr", "input", "meta", "link"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


class Tree(HTMLParser):
    """Checks that tags nest properly and collects every element with the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[Element] = []
        self.errors: list[str] = []
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1].tag != tag:
            self.errors.append(f"</{tag}> closes {[e.tag for e in self.open[-1:]]!r}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data

    def texts(self, tag: str, style: str = "") -> list[str]:
        return [e.text for e in self.elements
                if e.tag == tag and style in (e.attrs.get("style") or "")]

    def attrs(self, tag: str, style: str = "") -> list[dict[str, str | None]]:
        return [e.attrs for e in self.elements
                if e.tag == tag and style in (e.attrs.get("style") or "")]


def parse(html: str) -> Tree:
    tree = Tree()
    tree.feed(html)
    tree.close()
    assert not tree.errors and not tree.open, (tree.errors, tree.open)
    return tree


def finding(start: int, end: int, *, code: str = "x", category: Category = Category.BRAND,
            severity: Severity = Severity.WARNING, message: str = "a problem",
            **extra: object) -> Finding:
    return Finding(check="test", code=code, category=category, severity=severity,
                   message=message, start=start, end=end, **extra)  # type: ignore[arg-type]


TEXT = "Hi Maria, your order from Porto ships today."


def verdict(*findings: Finding, spans: tuple[PersonalizedSpan, ...] = (), share: float = 0.0,
            text: str = TEXT, route: Route = Route.REVIEW, **extra: object) -> Verdict:
    return Verdict(Draft(text, id="d-1"), route, findings, share, spans,
                   **extra)  # type: ignore[arg-type]


def test_flagged_spans_are_marked_and_numbered() -> None:
    start = TEXT.index("Porto")
    tree = parse(verdict_html(verdict(finding(start, start + 5, message="a city"))))
    assert tree.texts("mark") == ["Porto"]
    assert [a["title"] for a in tree.attrs("mark")] == ["1. a city"]
    assert tree.texts("sup") == ["1"]


def test_clean_verdicts_mark_nothing_and_say_so() -> None:
    html = verdict_html(verdict(route=Route.PASS))
    assert "<mark" not in html and "No findings." in html and ">PASS<" in html


def test_overlapping_spans_stay_well_formed_and_keep_the_text() -> None:
    maria = PersonalizedSpan(3, 8, "profile.first_name", "Maria")
    porto = PersonalizedSpan(TEXT.index("Porto"), TEXT.index("Porto") + 5, "profile.city")
    findings = (finding(0, 14, severity=Severity.SUGGESTION), finding(3, 30, code="y"),
                finding(TEXT.index("Porto") - 5, len(TEXT), severity=Severity.ERROR))
    tree = parse(verdict_html(verdict(*findings, spans=(maria, porto), share=0.2)))
    box = next(text for text in tree.texts("div", "pre-wrap"))
    assert re.sub(r"\d", "", box) == TEXT  # the draft, plus the finding numbers
    assert "".join(tree.texts("mark")) == TEXT  # the three findings cover all of it
    assert tree.texts("sup") == ["1", "2", "3"]
    # "Porto" is cut where finding 2 ends inside it: two pieces, both underlined
    assert tree.texts("span", "dotted") == ["Maria", "Port", "o"]
    assert [a["title"] for a in tree.attrs("span", "dotted")] == [
        "from profile.first_name", "from profile.city", "from profile.city"]


def test_everything_from_the_draft_is_escaped() -> None:
    text = "<script>alert(1)</script> Buy 'now' & \"save\""
    evil = finding(0, 8, message="<img src=x onerror=alert(2)>", suggestion="'><b>bold</b>",
                   fix="</mark><script>", field="profile.<i>")
    html = verdict_html(Verdict(Draft(text, id="<id>"), Route.REVIEW, (evil,),
                                fixed_text="<svg onload=x>", reasons=("<u>why</u>",)))
    for raw in ("<script", "<img", "<b>bold", "<svg", "<u>", "<i>", "<id>"):
        assert raw not in html
    assert "&lt;script&gt;</mark><sup>1</sup>alert(1)&lt;/script&gt;" in html
    tree = parse(html)
    assert [a["title"] for a in tree.attrs("mark")] == ["1. <img src=x onerror=alert(2)>"]
    assert tree.texts("mark") == ["<script>"]  # as text, not markup
    assert "&#x27;&gt;&lt;b&gt;bold" in html


def test_share_bar_shows_the_share_and_the_cap() -> None:
    bar = parse(share_bar(0.375))
    assert bar.attrs("div", "width:37.5%") and bar.texts("span") == ["personalized share 38%"]
    capped = share_bar(0.4, cap=0.25)
    assert "left:25.0%" in capped and "(cap 25%)" in capped
    assert "left:" not in share_bar(0.4) and "width:100.0%" in share_bar(1.7)


def test_the_bar_shows_the_cap_an_over_the_cap_finding_reports() -> None:
    over = finding(0, 8, category=Category.PERSONALIZATION, data={"max_share": 0.25})
    assert "(cap 25%)" in verdict_html(verdict(over, share=0.6))
    assert "(cap 10%)" in verdict_html(verdict(over, share=0.6), share_cap=0.1)
    assert "cap" not in verdict_html(verdict(finding(0, 8), share=0.6))


def test_findings_ending_together_share_one_label() -> None:
    tree = parse(verdict_html(verdict(finding(0, 8), finding(3, 8), finding(9, 14))))
    assert tree.texts("sup") == ["1,2", "3"]


def test_findings_are_grouped_by_category_worst_first() -> None:
    findings = (finding(0, 2, category=Category.LOCALE, severity=Severity.INFO, message="m1"),
                finding(0, 2, category=Category.PII, severity=Severity.WARNING, message="m2"),
                finding(0, 2, category=Category.LOCALE, severity=Severity.ERROR, message="m3"),
                finding(0, 0, category=Category.CONSENT, message="m4"))
    html = verdict_html(verdict(*findings))
    headings = re.findall(r"<b>(\w+)</b> \((\d+)\)", html)
    assert headings == [("pii", "1"), ("consent", "1"), ("locale", "2")]
    items = parse(html).texts("li")
    assert [item.rsplit(": ", 1)[1] for item in items] == ["m2", "m4", "m3", "m1"]
    assert "<li value='4'>" in html and html.count("<mark") == 1  # zero-width: listed only


def test_fix_suggestion_field_and_fixed_text_are_shown() -> None:
    fixable = finding(3, 8, fix="", suggestion="drop the name", field="profile.first_name")
    html = verdict_html(verdict(fixable, fixed_text="Hi , your order from Porto ships today."))
    assert "automatic fix: remove it" in html and "drop the name" in html
    assert "profile.first_name" in html and "fixed text" in html


def test_plain_repr_stays_short_and_html_repr_is_the_view() -> None:
    long = verdict(finding(0, 2), text="word " * 5_000, share=0.5)
    assert len(repr(long)) < 120 and "word" not in repr(long)
    assert long._repr_html_() == verdict_html(long)


def test_guarded_results_render_outcome_attempts_and_review_item() -> None:
    first, second = verdict(finding(0, 2)), verdict(finding(0, 2), finding(3, 8))
    result = GuardedCopy(Outcome.PENDING_REVIEW, second, None, (first, second), "item-<7>")
    html = guarded_html(result)
    parse(html)
    assert "pending review" in html and "after 2 checks" in html
    assert "attempt 1: review, 1 finding<" in html and "attempt 2: review, 2 findings" in html
    assert "item-&lt;7&gt;" in html
    assert result._repr_html_() == html
    assert repr(result) == ("GuardedCopy(outcome='pending_review', route='review', attempts=2, "
                            "review_id='item-<7>')")
