"""Detect a dispute in a customer's email: plain Python, no ORM."""
import re
import unicodedata

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
# Quoted history of a reply: everything after these markers is the original reminder, not the customer.
_QUOTE_MARKERS = re.compile(
    r"(-{2,}\s*(original message|message d'origine|oorspronkelijk bericht|ursprüngliche nachricht|mensaje original)"
    r"|^>|<blockquote"
    r"|\bon .{0,80} wrote:|\ble .{0,80} a écrit\s*:|\bop .{0,80} schreef .{0,40}:|\bam .{0,80} schrieb .{0,40}:"
    r"|\bel .{0,80} escribió:)",
    re.IGNORECASE | re.MULTILINE)


def normalize(text):
    """Lower case, no accents, no markup, single spaces."""
    text = _TAGS.sub(" ", text or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'")
    return _SPACES.sub(" ", text.lower()).strip()


def strip_quoted(body):
    """The customer's own words: the reply without the quoted reminder below it."""
    match = _QUOTE_MARKERS.search(body or "")
    return body[:match.start()] if match else (body or "")


def score_text(text, phrases, lang=None):
    """Score ``text`` against ``phrases`` (``(lang, phrase, weight)``); return ``(score, matched phrases)``.

    Phrases of every language are tried, each language scored apart; the best
    language wins, the customer's own (``lang``, e.g. ``fr_FR``) on a tie.
    """
    normalized = normalize(strip_quoted(text))
    by_lang = {}
    for phrase_lang, phrase, weight in phrases:
        needle = normalize(phrase)
        if needle and re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", normalized):
            total, matched = by_lang.get(phrase_lang, (0.0, []))
            by_lang[phrase_lang] = (total + weight, matched + [phrase])
    if not by_lang:
        return 0.0, []
    best = max(by_lang, key=lambda code: (by_lang[code][0], bool(lang) and code[:2] == lang[:2]))
    total, matched = by_lang[best]
    return round(total, 4), matched


def named_documents(text, names):
    """The document numbers among ``names`` that the customer's own words mention (case and spacing ignored)."""
    words = normalize(strip_quoted(text))
    return [name for name in names
            if name and re.search(r"(?<![\w/])" + re.escape(normalize(name)) + r"(?![\w/])", words)]
