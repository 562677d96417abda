"""Phrase tables of the claim parser: comparison cues, negation, qualifiers, hedges, sizes."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CueRule:
    """A phrase that compares two things, and how it reads."""

    pattern: str
    op: str
    qualifier: str | None = None
    effect: bool = False
    """An effect verb ("improves", "hurts"): with no object it compares with the baseline."""
    passive: bool = False
    """"is outperformed by": the system after the cue is the better one."""
    fixed: bool = False
    """The negation is part of the phrase ("not as good as"); no further negation is read."""
    leads: bool = False
    """Starts its own clause ("without hurting X"): its subject is the previous one's."""
    gains: bool = False
    """"similar improvements": two subjects, each better than the object, and alike."""


_ADV = r"(?:\w+ly\s+)?"
_THAN = r"(?:\s+[\w@+.\-]+){0,3}?\s+than"
_HARM = r"hurt(?:ing)?|harm(?:ing)?|impeding|degrading|sacrificing|compromising|losing|reducing"

CUES: list[CueRule] = [
    CueRule(
        r"not (?:statistically )?significant(?:ly different)?",
        "≈",
        "not significantly different",
        fixed=True,
    ),
    CueRule(
        r"no (?:statistically )?significant differences?",
        "≈",
        "not significantly different",
        fixed=True,
    ),
    CueRule(
        r"slightly (?:lower|worse) but (?:is |remains |stays )?close to",
        "<",
        "slightly",
        fixed=True,
    ),
    CueRule(r"not as (?:good|effective|strong|accurate|high) as", "<", fixed=True),
    CueRule(r"at least as (?:good|effective|strong|accurate|high) as", ">=", fixed=True),
    CueRule(rf"without {_ADV}(?:{_HARM})\b", ">=", effect=True, fixed=True, leads=True),
    CueRule(
        r"no (?:loss|drop|degradation|decrease) (?:in [\w@]+ )?(?:compared to|relative to|"
        r"against|over|from)",
        ">=",
        fixed=True,
    ),
    CueRule(r"(?:almost|nearly|roughly|approximately) on par with", "≈", "almost on par"),
    CueRule(r"on par with", "≈", "similar"),
    CueRule(r"similar (?:improvements?|gains?)", "≈", "similar", gains=True),
    CueRule(
        r"(?:performs?|performed|works?|worked) (?:very )?similarly to|similar to|"
        r"similar (?:performance|results?|scores?) (?:to|as)|comparabl[ey](?: to| with)?|"
        r"(?:is|are|was|were) as (?:good|effective|strong) as|matches|matched",
        "≈",
        "similar",
    ),
    CueRule(
        r"(?:is|are|was|were|gets?|got|being)\s+(?P<neg>not\s+|never\s+)?"
        + r"(?:both |all |also |each |even )?"
        + _ADV
        + r"(?:outperformed|surpassed|beaten|bested|exceeded|outscored|overtaken|topped)\s+by",
        ">",
        passive=True,
    ),
    CueRule(
        r"(?:outperformed|surpassed|beaten|bested|exceeded|outscored|overtaken|topped)\s+by",
        ">",
        passive=True,
    ),
    CueRule(
        r"falls? short of|fell short of|falls? behind|fell behind|lag(?:s|ged|ging)? behind|"
        r"trail(?:s|ed|ing)?|underperform(?:s|ed|ing)?|(?:is|are|was|were|remains?) behind|"
        r"los(?:es|t|ing|e) to|inferior to",
        "<",
    ),
    CueRule(rf"(?:worse|lower|smaller){_THAN}", "<"),
    CueRule(
        r"outperform(?:s|ed|ing)?|beat(?:s|ing)?|surpass(?:es|ed|ing)?|exceed(?:s|ed|ing)?|"
        r"edges? out|edged out|outscor(?:es|ed|e)|superior to|tops|topped",
        ">",
    ),
    CueRule(rf"(?:better|higher|greater|larger){_THAN}", ">"),
    CueRule(
        r"(?:improves?|improved|improving) (?:on|over|upon)|(?:improvements?|gains?) "
        r"(?:over|upon|compared (?:to|with)|relative to)",
        ">",
    ),
    CueRule(r"(?:works?|worked|performs?|performed|does|did) better", ">"),
    CueRule(r"more (?:effective|accurate|successful) than", ">"),
    CueRule(r"less (?:effective|accurate|successful) than|lag(?:s|ged)?", "<"),
    CueRule(r"hurts?|harms?|impedes?|degrades?|damages?", "<", effect=True),
    CueRule(
        r"improves?|improved|improving|boosts?|boosted|raises?|raised|helps?|helped|"
        r"increases?|increased|benefits?|(?:slight |small |large |substantial |consistent |"
        r"significant )?(?:improvements?|gains?)",
        ">",
        effect=True,
    ),
]
"""Order matters: where two cues overlap, the earlier rule wins."""

NEGATION = re.compile(
    r"\b(?:not(?! only)|never|no longer|cannot|can't|doesn't|don't|didn't|isn't|aren't|"
    r"wasn't|weren't|fails? to|failed to|unable to|no)\b",
    re.I,
)
VERB_GROUP = re.compile(
    r"^(?:[\s()]+|\b(?:\w+ly|be|been|being|able|to|do|does|did|is|are|was|were|has|have|had|"
    r"will|would|can|could|may|might|must|should|perform|performs|performed|even|really|quite|"
    r"much|yet|any|a|an|the|show|shows|showed|shown|bring|brings|brought|give|gives|gave|yield|"
    r"yields|yielded|lead|leads|led|provide|provides|provided|offer|offers|achieve|achieves|"
    r"achieved|manage|manages|managed|seem|seems|seemed|appear|appears|appeared|by|far|score|"
    r"scores|result|results|model|models|performance|variant|ranker|re-ranker)\b)*$",
    re.I,
)
"""Words that may stand between a negation and its cue ("does not really", "shows no")."""
COMPARATIVE = re.compile(
    r"\b(?:better|worse|higher|lower|best|worst|greater|smaller|superior|inferior|stronger|"
    r"weaker)\b",
    re.I,
)
"""Comparison words outside any cue: a comparison the parser did not read."""
PARTICIPLE = re.compile(r"(?:ed|en)$", re.I)
AUXILIARY = re.compile(r"\b(?:is|are|was|were|be|been|being|gets?|got)\s+(?:\w+\s+){0,2}$", re.I)
"""A participle cue after "is": passive voice the passive rules did not read."""
NEITHER = re.compile(r"\b(?:neither|none of)\b", re.I)
UNCLEAR = re.compile(
    r"\b(?:except|apart from|other than|unless|only (?:when|if)|rather than|instead of|if|when|"
    r"whenever|provided that|as long as|unlike|in contrast to|as opposed to|contrary to|barely|"
    r"hardly|scarcely|rarely|seldom|occasionally|sometimes|in some cases|"
    r"nor (?:does|do|did|is|are)|not (?:always|necessarily|generally|all)|"
    r"whether)\b",
    re.I,
)
"""Scopes the parser does not read (exceptions, conditions, near-negations, frequencies)."""
CLAUSE = re.compile(
    r";|,\s*(?:while|whereas|but|although|though|yet|however)\b|\s(?:but|whereas|while)\s|"
    r",?\s+and also\b|,\s+and\b|,\s+(?=not\b)",
    re.I,
)
"""Clause boundaries; settings and qualifiers stay inside their own clause."""
JOIN = re.compile(r"\band\b|,", re.I)
RELATIVE = re.compile(r"^\W*(?:which|that|who|whose|whom)\b", re.I)
NOT_ONLY = re.compile(r"\bnot only\b|\bbut also\b", re.I)
VERSUS = re.compile(r"\b(?:versus|vs\.?|compared (?:to|with)|relative to|against)\b", re.I)
BETWEEN = re.compile(r"\bbetween\b", re.I)
OTHERS = re.compile(r"\b(?:all )?other (?:approaches|systems|models|methods|baselines)\b", re.I)
ALL_SETTINGS = re.compile(r"\b(?:in|across) (?:all|every|each) (?:\w+ )?settings?\b", re.I)

QUALIFIER_WORDS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\bby (?:a )?(?:large|wide|big|huge|considerable|substantial) margins?\b|"
            r"\bsubstantial(?:ly)?\b|\bconsiderabl[ey]\b|\bmuch (?:higher|better|lower|worse)\b|"
            r"\bfar (?:better|higher|lower|worse|behind|ahead)\b|\bgreatly\b|\bdramatically\b|"
            r"\bby far\b|\blarge (?:improvements?|gains?)\b",
            re.I,
        ),
        "large margin",
    ),
    (re.compile(r"\b(?:statistically )?significant(?:ly)?\b", re.I), "significantly"),
    (
        re.compile(
            r"\bslight(?:ly)?\b|\bmarginal(?:ly)?\b|\ba (?:little|bit)\b|"
            r"\bby a (?:small|slight|narrow) margin\b",
            re.I,
        ),
        "slightly",
    ),
    (re.compile(r"\bconsistent(?:ly)?\b", re.I), "consistently"),
]
HEDGE = re.compile(
    r"\b(?:may|might|could|can|seems? to|appears? to|tends? to|likely|possibly|potentially|"
    r"arguably|somewhat)\b",
    re.I,
)
MARGIN = re.compile(
    r"\bby\s+(?P<up>up to\s+)?(?:about|around|roughly|approximately|nearly|almost|over|"
    r"more than|at least|~)?\s*(?P<num>[+−-]?\d[\d.,]*(?:[eE][−-]?\d+)?)\s*(?P<unit>%|percent\b|"
    r"percentage points?\b|pp\b|(?:absolute |accuracy |F1 |MRR@10 |MRR |)points?\b|"
    r"MRR@10\b|MRR\b|F1\b|accuracy\b)?",
    re.I,
)
MARGIN_BEFORE = re.compile(
    r"(?<![\w.])(?P<num>\d[\d.,]*)\s*(?P<unit>%|percent\b|percentage points?\b|pp\b|"
    r"(?:absolute |accuracy |F1 |MRR@10 |MRR |)points?\b)(?=\s+(?:higher|better|lower|worse|"
    r"above|below|ahead|behind)\b)",
    re.I,
)
"""A size before the comparative: "3 points higher than"."""
DIFFERENCE = re.compile(r"\+\d|\b(?:gaps?|gains?|improvements?|drops?)\b", re.I)
DESCRIPTION = re.compile(
    r"\b(?:is|are) an? (?:cheap |simple )?(?:\w+ )?(?:method|way|technique|approach)\b|"
    r"\buses\b|\bbiases\b|\bperforms? (?:\w+ )?prediction",
    re.I,
)
LENGTH = re.compile(
    r"\b(?:(?P<short>shorter)|longer)\s+(?:input\s+)?(?:sequences?|inputs?|texts?|examples?|"
    r"lengths?|sentences?|passages?)\b|\b(?:(?P<few>fewer)|more)\s+tokens\b",
    re.I,
)
"""A comparison of input lengths between tasks (a data property, not a model's score)."""
