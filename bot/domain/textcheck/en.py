"""English phrase tables: how teachers word each negative-list item, and written work."""

from __future__ import annotations

from typing import Final

from bot.domain.policy import NegativeItem
from bot.domain.textcheck.phrase import MIN_REPETITIONS, Language, Phrase

__all__ = ["LANGUAGE"]

I = NegativeItem  # noqa: E741 - short alias keeps the tables readable

_NUM_WORD: Final = (
    r"(?:seventeen|thirteen|fourteen|eighteen|nineteen|fifteen|sixteen|eleven|twelve"
    r"|twenty|thirty|forty|fifty|hundred|three|seven|eight|four|five|nine|one|two|six|ten)"
)
_NUM: Final = rf"(?<![\d.])\b(?P<n>\d+|(?:a\s+)?{_NUM_WORD}(?:[\s-]{_NUM_WORD})?)"
_TIMES: Final = (
    r"\s*times\b(?!\s*(?:-\s*)?tables?\b|\s+\d|\s+(?:a|per|each|every)\s+"
    r"(?:day|week|month|night|lesson)\b)"
)
_GAP: Final = (
    r"(?:(?!\b(?:read|reading|recite|say|listen|practi[cs]e|play|run|jump|sing)\b)"
    r"[^.;!?\n]){0,40}?"
)
_COPY: Final = r"\b(?:copy|copying|re-?write|re-?writing|write|writing|spell)(?:\s+out)?\b"
_PARENT: Final = r"(?:parents?(?:['’]s?)?|mum|mom|dad|mother|father|family)"
_SEND: Final = r"(?:send|sending|sent|post|posting|upload|uploading|submit|submitting)"
_MODAL: Final = r"(?:(?:should|must|need\s+to|needs\s+to|have\s+to|will|to|please|can)\s+)"
_NOT_AT_DESK: Final = r"\b(?:read|reading|sleep|play|exercise|outside|practi[cs]e|screen|sport)"
_ORAL: Final = r"\b(?:orally|aloud|out\s+loud|discuss|talk|say|tell|think\s+about|read)"

_HINTS: Final[dict[NegativeItem, tuple[Phrase, ...]]] = {
    I.BEYOND_CURRICULUM: (
        Phrase(
            r"\bolympiad\w*|\bcompetition\s+(?:math|maths|problems?|questions?)"
            r"|\bmath\s+(?:olympiad|competition)s?"
        ),
        Phrase(
            r"\b(?:next|following)\s+(?:year|grade|term|semester)['’]?s?\s+"
            r"(?:material|content|topics?|curriculum|book|chapters?|units?|work)"
        ),
        Phrase(
            r"\b(?:beyond|above|outside|ahead\s+of)\s+(?:the\s+)?"
            r"(?:syllabus|curriculum|standards?|grade\s+level|what\s+we\s+(?:have\s+)?(?:covered|learned))"
        ),
        Phrase(
            r"\b(?:not\s+(?:yet\s+)?(?:covered|taught|learned|learnt|studied)"
            r"|(?:haven['’]t|have\s+not)\s+(?:yet\s+)?(?:covered|learned|learnt|studied|done))\b",
            says_not=True,
        ),
        Phrase(r"\b(?:high[-\s]school|college|university)[-\s]level\b"),
        Phrase(
            r"\b(?:teach\s+yourselves?|self-study)\s+(?:the\s+)?(?:next|new)\s+(?:chapter|unit|topic)"
        ),
    ),
    I.OVER_TIME_LIMIT: (
        Phrase(
            rf"{_NUM}(?:\s+and\s+a\s+half)?\s*(?:hours?|hrs?)\b", min_count=2, unless=_NOT_AT_DESK
        ),
        Phrase(rf"{_NUM}\s*(?:minutes|mins?)\b", min_count=91, unless=_NOT_AT_DESK),
        Phrase(r"\bstay(?:ing)?\s+up\b|\ball[-\s]nighter|\buntil\s+(?:midnight|late)\b"),
        Phrase(
            r"\bno\s+matter\s+how\s+(?:long|late)|\bhowever\s+long\s+it\s+takes"
            r"|\bno\s+bed\s+(?:until|before)",
            says_not=True,
        ),
        Phrase(
            r"\b(?:double|twice\s+the)\s+(?:homework|amount|assignment)"
            r"|\bextra\s+(?:homework|worksheets?)\s+(?:tonight|for\s+everyone|for\s+all)"
            r"|\b(?:a\s+lot\s+of|lots\s+of|heavy)\s+homework\s+tonight"
        ),
    ),
    I.NOT_PRETESTED: (
        Phrase(
            r"\btrick(?:y)?\s+(?:questions?|problems?)|\bbrain[-\s]?teasers?"
            r"|\b(?:hardest|super[-\s]hard|extremely\s+hard)\s+(?:questions?|problems?)"
        ),
        Phrase(
            r"\b(?:find|search\s+for|look\s+up|download)\s+(?:\w+\s+){0,3}?"
            r"(?:problems?|questions?|exercises?|worksheets?|tests?)\s+(?:online|on\s+the\s+internet)"
        ),
        Phrase(
            r"\b(?:questions?|problems?|answers?|(?:the\s+)?key|worksheet|paper)\s+"
            r"(?:may|might|could)\s+(?:have|contain)\s+(?:some\s+)?(?:errors?|mistakes?|typos?)"
        ),
        Phrase(
            r"\bI\s+(?:haven['’]t|have\s+not)\s+(?:tried|done|solved|checked)\s+(?:them|these|it|this)",
            says_not=True,
        ),
    ),
    I.PUNITIVE_REPETITIVE: (
        Phrase(rf"{_COPY}{_GAP}{_NUM}{_TIMES}", min_count=MIN_REPETITIONS),
        Phrase(rf"{_COPY}{_GAP}\bthrice\b"),
        Phrase(
            r"\bas\s+(?:a\s+)?punishment\b|\bpunishment\s+(?:homework|work|task)s?\b"
            r"|\bwrite\s+lines\b|\bpunish\w*|\bdetention\s+(?:work|homework|lines)"
        ),
        Phrase(rf"\bwrite\s+{_NUM}\s+lines\b", min_count=MIN_REPETITIONS),
        Phrase(
            r"\b(?:re-?write|redo|re-?copy)\s+(?:the\s+|it\s+)?(?:whole|entire|all)\b"
            r"|\bover\s+and\s+over\b|\bfor\s+(?:every|each)\s+(?:mistake|error|wrong\s+answer)"
        ),
        Phrase(r"\b(?:fill|write)\s+(?:a\s+)?(?:whole|full|entire)\s+page\s+(?:of|with)\b"),
    ),
    I.BOUGHT_PAPERS: (
        Phrase(
            r"\b(?:whole|entire|full)\s+(?:(?:practice|past|mock|sample|test|exam|model)\s+)?"
            r"(?:tests?|exams?|papers?|workbooks?|booklets?)\b"
        ),
        Phrase(
            r"\b(?:complete|finish|do)\s+(?:the\s+|your\s+|this\s+|a\s+)?(?:whole\s+|entire\s+)?"
            r"workbook\b(?!\s*(?:pages?|p\.|pp\.|exercises?|ex\.|units?|sections?|chapters?"
            r"|lessons?|tasks?|§|#|\d))"
        ),
        Phrase(r"\b(?:past|mock)\s+(?:exam\s+|test\s+)?papers?\b|\bmock\s+(?:exam|test)s?\b"),
        Phrase(
            r"\b(?:buy|purchase|order)\s+(?:\w+\s+){0,3}?(?:workbooks?|test\s+papers?"
            r"|practice\s+(?:books?|tests?|papers?)|exam\s+papers?|prep\s+books?|revision\s+guides?"
            r"|study\s+guides?|test\s+books?)"
        ),
        Phrase(
            r"\bprint(?:\s+out)?\s+(?:\w+\s+){0,3}?(?:test|exam|practice|past|mock)\s+"
            r"(?:papers?|tests?|exams?)|\bprint(?:\s+out)?\s+(?:the\s+)?(?:whole|entire|full|complete)\b"
        ),
        Phrase(
            r"\b(?:test|exam|practice)\s+(?:paper\s+)?(?:pack|bundle|booklet|set)s?\b"
            r"|\b(?:full|complete)\s+sets?\s+of\b"
        ),
        Phrase(
            r"\ball\s+(?:the\s+)?(?:exercises|pages|problems|questions)\s+(?:in|of)\s+(?:the\s+)?"
            r"(?:workbook|booklet|test\s+book|practice\s+book)"
        ),
    ),
    I.PARENTS_COMPLETE: (
        Phrase(rf"\b{_PARENT}\s*,?\s+{_MODAL}?(?:help\s+(?:\w+\s+){{0,2}}?)?(?:complete|finish)\b"),
        Phrase(rf"\bparents?(?:['’]s?)?\s*,?\s+{_MODAL}do\b(?!\s+not\b)"),
        Phrase(rf"\bwith\s+(?:your\s+|a\s+|the\s+)?{_PARENT}\s+help\b"),
        Phrase(rf"\bwith\s+(?:the\s+)?help\s+of\s+(?:your\s+|a\s+)?{_PARENT}"),
        Phrase(
            rf"\b(?:ask|get|have|let)\s+(?:your\s+|a\s+)?{_PARENT}\s+(?:to\s+)?"
            r"(?:help\s+(?:you\s+)?(?:to\s+)?)?(?:do|complete|finish|write|make|build|print|dictate"
            r"|quiz|test)\b"
        ),
        Phrase(
            rf"\b(?:together\s+)?with\s+(?:your\s+)?{_PARENT}\s*,?\s+"
            r"(?:complete|finish|make|build|design|fill\s+in|write|record|film)\b"
        ),
        Phrase(
            r"\b(?:parent|family)[-\s](?:child|and[-\s]child)\s+"
            r"(?:project|homework|task|activity|assignment|worksheet)|\bfamily\s+project\b"
        ),
        Phrase(
            rf"\b{_PARENT}\s+(?:will\s+need\s+to|needs?\s+to|must|should|to)\s+"
            r"(?:help|assist|print|buy|dictate|read\s+out|quiz|test\s+(?:you|your\s+child))\b"
        ),
        Phrase(
            r"\b(?:requires?|needs?|with)\s+(?:\w+\s+)?(?:parental|parent|adult)\s+"
            r"(?:help|assistance|involvement|support)"
        ),
    ),
    I.VIA_CHAT_APPS: (
        Phrase(
            r"(?<![a-z])(?:wechat|weixin|whatsapp|viber|dingtalk|ding\s?talk|qq)(?![a-z])"
            r"|(?<![a-z])(?:telegram|line|signal)\s+(?:chat|group)(?![a-z])"
        ),
        Phrase(
            r"\b(?:class|parents?['’]?|school)\s+(?:chat|group\s+chat|chat\s+group)\b"
            r"|\bgroup\s+chat\b|\bclass\s+group\b(?!\s+(?:work|project|discussion|activity))"
        ),
        Phrase(
            rf"\b{_SEND}\s+(?:\w+\s+){{0,3}}?(?:photos?|pictures?|pics|screenshots?|images?|videos?)\b"
        ),
        Phrase(
            rf"\b{_SEND}\s+(?:\w+\s+){{0,4}}?(?:to|in|on|into|via|through)\s+(?:the\s+|our\s+)?"
            r"(?:app|group|chat|platform|email)\b"
        ),
        Phrase(
            r"\b(?:google\s+classroom|seesaw|class\s?dojo|schoology|padlet|flipgrid|edmodo)\b"
            r"|\b(?:submit|hand\s+in|turn\s+in)\s+(?:\w+\s+){0,3}?online\b|\bby\s+email\b"
            r"|\b(?:daily\s+)?check[-\s]in\s+(?:on|in|via)\s+(?:the\s+)?(?:app|group)"
            r"|\brecord\s+(?:a\s+)?(?:video|voice\s+message|audio)\b"
        ),
    ),
    I.PUBLISHED_IN_GROUPS: (
        Phrase(r"\brankings?\b|\bleader\s?boards?\b|\bleague\s+tables?\b|\bhonou?r\s+roll\b"),
        Phrase(
            r"\b(?:publish|published|publishing|post|posted|posting|share|shared|sharing"
            r"|announce|announced|announcing)\s+(?:[\w'’]+\s+){0,3}?"
            r"(?:scores|marks|grades|(?:test|exam)\s+results)\b"
        ),
        Phrase(
            r"\b(?:shout[-\s]?outs?|praise|praised|criticis\w+|criticiz\w+|call\s+out|name)\s+"
            r"(?:\w+\s+){0,4}?(?:in|on|to)\s+(?:the\s+)?(?:class\s+|parents?['’]?\s+)?(?:chat|group)"
        ),
        Phrase(
            r"\b(?:names?|list)\s+of\s+(?:those|students|pupils|everyone|children)\s+who\s+"
            r"(?:didn['’]t|did\s+not|haven['’]t|have\s+not|failed)",
            says_not=True,
        ),
        Phrase(
            r"\bname\s+and\s+shame\b|\bwall\s+of\s+(?:fame|shame)\b|\btop\s+(?:\d+|three|five|ten)\s+(?:students|scores)\b"
        ),
    ),
    I.PARENTS_MARK: (
        Phrase(rf"\b{_PARENT}\s+(?:signature|sign-?off|initials)\b"),
        Phrase(rf"\bsigned\s+(?:off\s+)?by\s+(?:a\s+|your\s+|the\s+|one\s+)?{_PARENT}"),
        Phrase(
            rf"\b{_PARENT}\s*,?\s+{_MODAL}?"
            r"(?:sign(?!\s+up)|mark|grade|correct|initial|check\s+and\s+(?:sign|correct)"
            r"|check\s+(?:the\s+|their\s+child['’]s\s+|your\s+child['’]s\s+)?(?:answers|spelling|work|homework))\b"
        ),
        Phrase(
            rf"\b(?:have|get|ask)\s+(?:your\s+|a\s+)?{_PARENT}\s+(?:to\s+)?"
            r"(?:sign(?!\s+up)|mark|grade|correct|check\s+and\s+(?:sign|correct)|check\s+(?:it|your\s+work))\b"
        ),
        Phrase(
            r"\bmark\s+your\s+own\b|\bself[-\s](?:mark|check|grade|correct)\w*"
            r"|\bpeer[-\s](?:mark|grade|correct)\w*|\bmark\s+each\s+other['’]?s?\b"
            r"|\bswap\s+(?:\w+\s+){0,3}?(?:and\s+)?(?:mark|grade|correct)\b"
            r"|\bgrade\s+(?:it|them|your\s+work)\s+yourself"
        ),
        Phrase(
            r"\bcheck\s+(?:your\s+)?(?:answers|work)\s+(?:against|with|using)\s+(?:the\s+)?"
            r"(?:answer\s+)?(?:key|answers|answer\s+sheet|back\s+of)"
            r"|\banswer\s+key\s+(?:is\s+)?(?:attached|included|at\s+the\s+back)"
        ),
    ),
    I.NOT_MARKED: (
        Phrase(
            r"\b(?:will\s+not|won['’]t|is\s+not|isn['’]t|are\s+not|aren['’]t)\s+(?:be\s+)?"
            r"(?:marked|graded|collected|checked|corrected)\b",
            says_not=True,
            unless=_ORAL,
        ),
        Phrase(
            r"\bI\s+(?:will\s+not|won['’]t|do\s+not|don['’]t|am\s+not\s+going\s+to)\s+"
            r"(?:mark|grade|collect|check|correct)\b",
            says_not=True,
        ),
        Phrase(
            r"\b(?:just|only)\s+check(?:ing)?\s+(?:that|whether|if)\s+"
            r"(?:it['’]?s|it\s+is|you|everyone)\s+(?:did|done|completed|finished|have)"
            r"|\bcompletion\s+(?:grade|check|mark)s?\b|\bspot[-\s]check"
            r"|\b(?:everyone|all)\s+gets?\s+(?:an?\s+)?(?:A|full\s+marks|a\s+star)\b"
        ),
    ),
}

_WRITTEN: Final = (
    Phrase(
        r"\bworkbooks?\b|\bworksheets?\b|\bin\s+writing\b|\bwritten\b|\bcopy\w*\b|\bdictation\b"
        r"|\bspelling\s+test\b|\btest\s+papers?\b|\bfill\s+in\b|\bhandwriting\b|\bpenmanship\b"
        r"|\bcalculations?\b|\bin\s+(?:your|the)\s+(?:note|exercise\s+)?books?\b"
        r"|\b(?:math|maths|spelling|homework|practice|activity|answer)\s+sheets?\b"
    ),
    Phrase(
        r"\bwrite\s+(?:an?\s+|the\s+|your\s+|one\s+|two\s+|\d+\s+)?(?:\w+\s+)?"
        r"(?:essay|paragraph|story|report|composition|letter|summary|sentences?|words?|answers?"
        r"|poem|review|diary|journal|entry|page|numbers|letters|alphabet)"
    ),
    Phrase(r"\b(?:essays?|compositions?)\b", unless=r"\b(?:read|listen|discuss|present)"),
    Phrase(
        r"\b(?:solve|do|complete|answer)\s+(?:the\s+|all\s+)?(?:\w+\s+)?"
        r"(?:problems?|exercises?|questions?|equations?|sums)\b",
        unless=_ORAL,
    ),
    Phrase(r"\b(?:problems?|exercises?|questions?|ex\.)\s*#?\d+", unless=_ORAL),
)

LANGUAGE: Final = Language(
    hints=_HINTS,
    written=_WRITTEN,
    negators=(
        r"\bno\s+need\b|\bneedn['’]t\b|\bunnecessary\b|\bnever\b|\bavoid\b"
        r"|\b(?:don|doesn|won|mustn|shouldn)['’]t\b(?!\s+forget)"
        r"|\bnot\b(?!\s+(?:only|less|fewer|later|more|forget))"
        r"|\bno\b(?!\.|\s*\d|\s+(?:fewer|less|more|later|matter))"
        r"|\bwithout\s+(?:(?:your|a|the|any)\s+)?(?:parents?|parental|adult|help|printing|a\s+signature"
        r"|signatures?|mum|mom|dad)",
    ),
    post_negators=(
        r"\b(?:is\s+|are\s+)?not\s+(?:required|needed|necessary|mandatory|compulsory)\b"
        r"|\bunnecessary\b|\b(?:isn|aren)['’]t\s+(?:required|needed|necessary)\b",
    ),
    choices=(
        r"\boptional\b|\bchoose\b|\bpick\s+(?:one|two|any)\b|\beither\b|\bif\s+you\s+(?:want|wish|like)"
        r"|\bextension\b|\bfor\s+those\s+who\b|\bvoluntary\b|\bbonus\b|\bextra\s+credit\b|\bone\s+of\s+the\b",
    ),
)
