"""Deterministic triage run on every message before the model: emergencies, clinical decisions, bad input.

Safety rules 1 and 2 must not depend on a statistical model, so this module decides them with
plain patterns. The dialogue policy (`bot.rasa_policy.TriagePolicy`) acts on its verdict with the
highest priority, so no model prediction can override it. The model's own `emergency` and
`clinical_decision` intents add a second net for phrasings these patterns miss.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

MAX_MESSAGE_CHARS = 1000
"""Longer messages are refused politely (after the emergency check): no question needs more."""


class Route(str, Enum):
    """What the deterministic layer decided about a message."""

    EMERGENCY = "emergency"
    CLINICAL_DECISION = "clinical_decision"
    BAD_INPUT = "bad_input"
    NONE = "none"


class InputProblem(str, Enum):
    """Why a message cannot be answered as a question."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"
    NOT_ENGLISH = "not_english"
    COMMAND = "command"


@dataclass(frozen=True)
class Triage:
    """The verdict on one message; `reason` names the rule that fired (never the user's words)."""

    route: Route
    reason: str = ""
    problem: InputProblem | None = None


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_WHO = r"(?:my|his|her|our|their)"
_WISH_TO_DIE = (
    r"\b(?:kill|hurt|harm|cut)(?:ing)? (?:myself|himself|herself|themselves)\b",
    r"\bend(?:ing)? (?:my|his|her|their) (?:own )?life\b",
    r"\bend it (?:all|tonight|now|today)\b",
    r"\btak(?:e|ing) (?:my|his|her) (?:own )?life\b",
    r"\bwant(?:s)? to (?:die|be gone)\b",
    r"\bwish (?:i|he|she) (?:was|were) dead\b",
    r"\bbetter off dead\b",
    r"\b(?:dont|do not|doesnt|does not) want to (?:live|be alive)\b",
    r"\bno reason to live\b",
    r"\b(?:no|dont see any|dont see the|cant see any) (?:reason|point) (?:to|in) (?:keep going|living|go on|going on)\b",
    r"\btake them all\b",
    r"\b(?:pills|tablets) saved\b",
)
_RED_FLAGS: dict[str, re.Pattern[str]] = {
    "breathing": _any(
        r"\bwheez\w*",
        r"\b(?:hardly|barely) (?:get|getting) (?:any |enough )?air\b",
        r"\b(?:looks|look|looking|turning|turned|gone|going) (?:a bit |kind of |really )?(?:grey|gray|blue|purple)\b",
        r"\b(?:cant|cannot|not|struggling to|unable to|hard to) get (?:enough |any )?air\b",
        r"\b(?:struggling|fighting|gasping|working hard) for (?:every |each )?(?:breath|air)\b",
        r"\bpanting\b",
        r"\b(?:lips|mouth|face|fingers|fingertips|skin) (?:\w+ ){0,3}(?:blue|purple|grey|gray)\b",
        r"\b(?:cant|can not|cannot|couldnt|could not|hard to|trouble|difficulty|struggling to|struggles to|"
        r"unable to|not able to|barely|hardly)\s+(?:catch\s+\w+\s+)?breath(?:e|ing)?\b",
        r"\bshort(?:ness)? of breath\b",
        r"\bbreathless\b",
        r"\bgasping\b",
        r"\bchoking\b",
        r"\b(?:not|stopped|isnt|is not) breathing\b",
        r"\bblue lips\b",
        r"\bbreathing (?:is )?(?:really |very |so |super )?(?:fast|hard|heavy|weird|strange|funny)\b",
    ),
    "chest_pain": _any(
        r"\bclutching (?:his|her|my|their) chest\b",
        r"\b(?:pain|pressure|tightness|squeezing|crushing|heavy|weight|sitting) (?:\w+ ){0,5}(?:on|in|of) (?:my|his|her|the) chest\b",
        r"\bchest (?:pain|pains|hurts|hurt|hurting|is hurting|tight|tightness|pressure|is tight|feels tight|feels heavy)\b",
        r"\bpain in (?:my|his|her|the) chest\b",
        r"\bheart attack\b",
    ),
    "racing_heart": _any(
        r"\bheart (?:\w+ ){0,3}(?:1[3-9]\d|2\d\d)\b",
        r"\bheart (?:\w+ ){0,2}(?:a mile a minute|out of (?:my|his|her) chest|wont slow down)\b",
        r"\bheart (?:is |keeps )?(?:racing|pounding|skipping|fluttering|beating (?:really |very |so |super )?fast|"
        r"going (?:really |very |so |super )?fast|rate is (?:really |very |so )?(?:high|fast))\b",
        r"\b(?:racing|pounding) heart\b",
        r"\bpalpitations\b",
        r"\b(?:pulse|heart rate) (?:is |of )?(?:1[3-9]\d|2\d\d)\b",
    ),
    "fainting": _any(
        r"\beverything went (?:black|dark)\b",
        r"\bfell down\b",
        r"\bcollapse\w*",
        r"\b(?:cant|cannot|couldnt) stay on (?:my|his|her|their) feet\b",
        r"\broom is spinning\b",
        r"\b(?:lost|lose|losing|lost all) consciousness\b",
        r"\bkeeled over\b",
        r"\bwent down\b",
        r"\bfaint(?:ed|ing)?\b",
        r"\bpass(?:ed|ing)? out\b",
        r"\bblack(?:ed|ing)? out\b",
        r"\b(?:very|really|so|super|extremely) dizzy\b",
        r"\blight ?headed\b",
        r"\bunconscious\b",
        r"\bunresponsive\b",
    ),
    "confusion": _any(
        r"\b(?:cant|cannot) (?:keep (?:my|his|her) eyes open|think straight)\b",
        r"\bout of it\b",
        r"\bmixing up (?:his|her|my|their) words\b",
        r"\b(?:wont|cant|doesnt) stay awake\b",
        r"\bfalling asleep mid\b",
        r"\b(?:wont|doesnt|cant|isnt) (?:answer|respond\w*)\b",
        r"\bacting (?:really |very |so |super )?(?:strange|weird|odd|different|crazy)\b",
        r"\b(?:cant|cannot|doesnt|couldnt) (?:tell|remember|say) (?:me )?(?:his|her|my|their) (?:own )?name\b",
        r"\bbarely (?:opened|opens|open|wakes|woke)\b",
        r"\b(?:muddled|befuddled)\b",
        r"\bcant remember (?:how|where|what day)\b",
        r"\bpeople in the room\b",
        r"\bnot (?:himself|herself)\b",
        r"\bconfused\b",
        r"\bconfusion\b",
        r"\bdisoriented\b",
        r"\bdelirious\b",
        r"\bhallucinat\w*",
        r"\bseeing things\b",
        r"\bhearing things\b",
        r"\b(?:hard|difficult|cant|cannot|unable|impossible) to wake\b",
        r"\b(?:wont|will not|doesnt|does not|cant|cannot|didnt) wake(?: up)?\b",
        r"\bcant wake (?:him|her|them)\b",
        r"\b(?:very|really|so|extremely) (?:sleepy|drowsy)\b",
        r"\b(?:not making|doesnt make|makes no) sense\b",
        r"\btalking nonsense\b",
        r"\bdoesnt (?:know|recogni[sz]e) (?:me|where|who)\b",
    ),
    "seizure": _any(
        r"\btwitching\b",
        r"\bjerking\b",
        r"\bshaking uncontrollably\b",
        r"\beyes rolled\b",
        r"\bfits\b",
        r"\bseizure\w*",
        r"\bseizing\b",
        r"\bconvuls\w*",
        r"\b(?:having|had|has) a fit\b",
        r"\bfitting\b",
    ),
    "bleeding": _any(
        r"\bnose ?bleed\w*",
        r"\bcoffee grounds\b",
        r"\bcough(?:ed|ing) up blood\b",
        r"\bbright red blood\b",
        r"\b(?:stool|stools|poop|poo|bowel movement|bm) (?:\w+ ){0,2}(?:black|bloody|red|tarry|maroon)\b",
        r"\bfull of blood\b",
        r"\bblood (?:in|on) the (?:toilet|bowl|tissue)\b",
        r"\bbleeding\b",
        r"\bbleed(?:s)?\b",
        r"\b(?:vomiting|throwing up|threw up|coughing(?: up)?|spitting(?: up)?|puking|peeing) blood\b",
        r"\bblood in (?:my |his |her |the )?(?:stool|stools|poop|urine|pee|vomit|sick)\b",
        r"\b(?:black|tarry|bloody) (?:stool|stools|poop|poo|vomit|diarrh\w*)\b",
    ),
    "little_urine": _any(
        r"\b(?:hasnt|havent|not|didnt) passed (?:urine|water|any urine)\b",
        r"\btiny bit of (?:dark )?(?:pee|urine)\b",
        r"\bdark (?:pee|urine)\b",
        r"\b(?:havent|hasnt|not|didnt) (?:been able to |been to the bathroom to |gone to )?(?:pee|peed|urinate|urinated)\b",
        r"\b(?:few|couple of) drops of (?:urine|pee)\b",
        r"\bonly (?:peed|made|passed) (?:a )?(?:little|few drops|tiny)\b",
        r"\b(?:no|hardly any|barely any|very little|not much|little or no) (?:urine|pee)\b",
        r"\b(?:cant|cannot|havent|hasnt|not|hardly|barely|unable to) (?:pee|peed|urinate|urinated|peeing|urinating)\b",
        r"\bstopped (?:peeing|urinating)\b",
    ),
    "fast_swelling": _any(
        r"\bsuddenly (?:\w+ ){0,2}(?:swollen|swelling|puffy|bigger)\b",
        r"\bweight (?:has )?(?:jumped|went up|shot up|gone up)\b",
        r"\b\d+ ?(?:lbs?|pounds|kg|kilos?) overnight\b",
        r"\b(?:up|gained|put on|gaining) (?:\d+|a few|several|ten|five) ?(?:kilos?|kgs?|lbs?|pounds)\b",
        r"\b(?:doubled|tripled) in size\b",
        r"\b(?:legs|feet|belly|arms|body) (?:\w+ ){0,2}(?:swelled|blew up|blown up|ballooned)\b",
        r"\b(?:sudden|suddenly|fast|rapid|rapidly|quickly|quick|huge|massive) (?:weight gain|swelling|swollen|gained|gaining)\b",
        r"\bgained \d+\s*(?:lb|lbs|pounds|kg|kilos?)\b",
        r"\bswelling (?:up )?(?:fast|quickly|rapidly|badly)\b",
        r"\bswelling up\b",
        r"\bballooning\b",
        r"\bblowing up like\b",
    ),
    "fever_at_home": _any(
        r"\b(?:fever|temperature|temp) (?:\w+ ){0,3}(?:10[0-9]|3[89](?:\.\d)?|4[01])\b",
        r"\b(?:fever|temperature|temp) (?:of |is |was |at )?(?:10[0-9]|3[89](?:\.\d)?|4[01])\b",
        r"\b(?:high|very high|spiking|spiked) (?:fever|temperature|temp)\b",
        r"\bfever at home\b",
        r"\bburning up\b",
        r"\b(?:have|has|got|running|with|developed) a (?:high )?(?:fever|temperature)\b",
    ),
    "allergic_swelling": _any(
        r"\bthroat (?:\w+ ){0,4}closing\b",
        r"\b(?:tongue|lips|lip|face|throat|eyelids|eyes) (?:\w+ ){0,2}(?:swell\w*|getting (?:fat|big|bigger|thick)|blew up|puffed)\b",
        r"\b(?:cant|cannot|hard to|trouble) swallow\w*\b",
        r"\bswelled shut\b",
        r"\b(?:face|lips|lip|tongue|throat|mouth|eyes|eyelids) (?:is |are |keeps |started )?(?:swelling|swollen|puffing up|closing)\b",
        r"\b(?:swollen|swelling) (?:face|lips|tongue|throat|mouth)\b",
        r"\bthroat (?:is |feels )?(?:closing|tight)\b",
        r"\banaphyla\w*",
        r"\bhives\b",
        r"\ballergic reaction\b",
    ),
    "self_harm": _any(
        *_WISH_TO_DIE,
        r"\bsuicid\w*",
        r"\bself[ -]?harm\b",
        r"\b(?:dont|do not|doesnt|does not) want to be here\b",
    ),
}

# A wish to die, or someone not breathing or not waking, is personal whatever the grammar
# ("should I just kill myself"): never treated as a general question.
_ALWAYS_PERSONAL = _any(
    *_WISH_TO_DIE,
    r"\b(?:not|stopped|isnt) breathing\b",
    r"\bunconscious\b",
    r"\bunresponsive\b",
)

_PERSONAL_REPORT = _any(
    r"\b(?:i am|im|i have|ive|i had|i feel|i felt|i cant|i cannot|i couldnt|i keep|i just|i was|i think|i got|"
    r"i passed|i fainted|i threw|i started|i woke|i noticed)\b",
    rf"\b(?:{_WHO}|mom|mum|dad|husband|wife|son|daughter|partner|father|mother)\s+(?:\w+\s+){{0,2}}?"
    r"(?:is|isnt|are|was|were|has|have|had|keeps|keep|cant|cannot|wont|seems|seem|looks|look|feels|feel|hurts|hurt|"
    r"started|just|went|turned|passed|fainted|got|gets|threw|woke|becomes|became|hasnt|havent|doesnt|won't)\b",
    r"\b(?:he|she|they)\s+(?:is|isnt|was|has|had|keeps|cant|cannot|wont|seems|looks|feels|just|passed|fainted|got|threw|"
    r"started|doesnt|hasnt)\b",
    r"\b(?:hes|shes|theyre)\b",
    r"\b(?:running|having|developed|got) a (?:high |bad )?(?:fever|temperature|temp|seizure|fit)\b",
    r"\bsince (?:coming|getting|going|i got|he got|she got|we got) (?:back )?home\b",
    r"\b(?:right now|currently|at the moment|just now|tonight|this morning|this evening|since (?:this|last|yesterday)|"
    r"for the (?:last|past) (?:hour|few hours|day))\b",
)

_GENERAL_QUESTION = _any(
    r"^(?:does|do|did|can|could|will|would|is|are|was|were|why|what|whats|how|when|which|who|may|might|should)\b",
    r"\b(?:side effects?|cause|causes|caused|causing|common|normal|usual|risk|risks|chance|likely|expect|"
    r"sign of|signs of|warning signs?|symptom of|happen|happens|lead to|leads to|related to|because of)\b",
    # Naming the drug without reporting anything personal ("aldesleukin chest pain") asks about the drug.
    r"\b(?:il ?-? ?2|interleukin\w*|aldesleuk\w*|proleuk\w*|prolukin|aldesleuken)\b",
)
# "I had a heart attack years ago" describes history, not something happening now.
_HISTORY = re.compile(r"\b(?:years ago|months ago|history of|in the past|used to have|ever had)\b")
_NOW = re.compile(r"\b(?:now|today|tonight|currently|this morning|this evening|since)\b")

_CLINICAL_DECISION: dict[str, re.Pattern[str]] = {
    "own_dose": _any(
        r"\btake (?:a )?double\b",
        r"\b(?:choose|pick|decide|set) (?:my|his|her) (?:treatment|dose|dosage|plan|medicines?)\b",
        r"\b(?:smaller|bigger|lower|higher|larger|reduced) (?:amount|dose|dosage)\b",
        r"\b(?:exactly )?how much (?:il ?-? ?2|proleukin|aldesleukin|of it|medicine) (?:to|should|do|would|will)\b",
        r"\b(?:my|his|her|our) (?:dose|doses|dosage|dosing)\b",
        r"\bhow (?:much|many)\b.*\b(?:should|do|can|will|would|must)\s+(?:i|he|she|we|my \w+)\s+(?:take|get|have|use|inject)\b",
        r"\bwhat (?:dose|dosage|amount)\b.*\b(?:should|will|would|do|is right|for)\s+(?:i|me|he|him|she|her|we|us|my)\b",
        r"\b(?:double|increase|decrease|lower|raise|change|adjust) (?:my|his|her|the|a) (?:dose|dosage)\b",
    ),
    "start_stop_combine": _any(
        r"\b(?:can|could|should|may) (?:i|he|she|my \w+) (?:take|have|use|keep taking|drink) (?:my|his|her)\b",
        r"\bshould (?:i|we|he|she|my \w+) (?:\w+ ){0,3}(?:put off|try|wait|hold off|go straight|go ahead|push back)\b",
        r"\b(?:tell me|say|decide) (?:whether|if) (?:to|i should|he should|she should)\b",
        r"\bwhether (?:to|i should) (?:skip|stop|take|start|have|get|go)\b",
        r"\b(?:do|does|should|can|could|must) (?:i|he|she|we|my \w+) (?:skip|stop|hold|miss|pause|delay|restart|quit|double|"
        r"cut back|come off|go off)\b",
        r"\b(?:can|could|should|may) (?:i|he|she|my \w+) (?:have|get) (?:his|her|my|a|the|their) (?:vaccin\w*|shots?|flu shot|"
        r"jabs?|boosters?|covid)\b",
        r"\bshould (?:i|we|he|she|my \w+)\b.*\b(?:take|stop|start|skip|quit|continue|keep taking|get|"
        r"choose|pick|go with|combine|mix|delay|postpone|double|use|avoid|cancel|refuse)\b",
        r"\b(?:can|could|may|is it ok(?:ay)? (?:for|to)|is it safe (?:for|to))\s+(?:i|me|he|him|she|her|we|my \w+)\s+"
        r"(?:\w+\s+)?(?:take|use|mix|combine|stop|skip|start|double|quit|keep taking)\b"
        r".*\b(?:with|while|during|before|after|alongside|together)\b",
        r"\b(?:ok|okay|safe|fine) to (?:take|mix|combine|stop|skip|start|quit)\b.*\b(?:my|with|while|during)\b",
    ),
    "eligibility": _any(
        r"\b(?:safe|right|good|ok|okay|risky|dangerous|bad|harmful|fine|alright) for (?:me|him|her|us|my \w+)\b",
        r"\bis it (?:fine|ok|okay|safe|alright|bad|dangerous|risky) (?:for me|for him|for her|if i|if he|if she|if my)\b",
        r"\b(?:am i|is he|is she|is my \w+) (?:\w+ )?(?:fit|healthy|strong|well|young|old) enough\b",
        r"\b(?:could|can|would|will) (?:i|he|she|we|my \w+) (?:get|have|do|receive|be given|be accepted|be allowed|be approved)\b"
        r".*\b(?:with|if|since|because|given) (?:my|his|her|i|he|she)\b",
        r"\b(?:will|would|do|does|could) (?:they|the doctors?|the team|the hospital) (?:let|give|allow|accept|take) "
        r"(?:me|him|her|us|my \w+)\b",
        r"\brules? (?:me|him|her|us) out\b",
        r"\b(?:me|him|her|us) (?:out )?from (?:getting|having)\b",
        r"\b(?:safe|right|good|ok|okay) for (?:me|him|her|us|my \w+)\b",
        r"\b(?:am i|is he|is she|are we|is my \w+) (?:a |an )?(?:good |suitable |possible )?(?:candidate|eligible|qualified|able to (?:get|have))\b",
        r"\b(?:do|does|would|will|could) (?:i|he|she|my \w+) (?:qualify|be eligible|be a candidate)\b",
        r"\bcan (?:i|he|she|my \w+) (?:get|have|do|receive) (?:il ?2|il2|proleukin|aldesleukin|it|this|treatment)\b.*\b(?:if|with|since|because)\b",
    ),
    "reading_results": _any(
        r"\bmy (?:\w+ ){1,2}(?:is|was|are|were|came back|at|of) (?:at |only |about |around )?\d",
        r"\b(?:is that|is this|are these|is it) (?:\w+ ){0,2}(?:normal|bad|too low|too high|ok|okay|dangerous|serious|worrying) "
        r"(?:for me|for him|for her|in my case|in his case|in her case)\b",
        r"\bin (?:my|his|her) case\b",
        r"\bshould (?:i|we|he|she) be (?:concerned|worried|scared)\b",
        r"\b(?:tell me|let me know) if (?:i|im|he|hes|she|shes|my \w+) (?:is |am )?(?:ok|okay|fine|alright|normal)\b",
        r"\bmy (?:\w+ ){0,3}(?:got bigger|grew|has grown|is growing|shrank|spread|came back)\b",
        r"\b(?:is|was) (?:il ?-? ?2|the treatment|it|proleukin) (?:failing|working|not working) (?:for )?(?:me|him|her)?\b.*\bmy\b",
        r"\b(?:my|his|her) (?:creatinine|platelets?|platelet count|potassium|sodium|bilirubin|white count|wbc|"
        r"blood pressure|bp|heart rate|pulse|labs?|lab results|blood ?work|blood tests?|scans?|ct|mri|pet|tsh|"
        r"liver (?:numbers|tests)|kidney (?:numbers|tests|function)|numbers|results|levels?|counts?)\b"
        r".*\b(?:is|are|was|were|came back|shows?|showed|says?|mean|means|bad|good|normal|high|low|\d)\b",
        r"\bwhat (?:does|do) (?:my|his|her) (?:scan|ct|mri|results|labs|numbers|symptoms?) (?:mean|show)\b",
    ),
    "choosing_treatment": _any(
        r"\b(?:better|best|right|safer|worse) (?:\w+ ){0,4}for (?:me|him|her|us|my \w+)\b",
        r"\bwhat would you (?:choose|pick|do|recommend|suggest)\b",
        r"\b(?:should|do|would) (?:i|we|you) (?:choose|pick|go with|do|have|get)\b.*\bor\b",
        r"\bwhich (?:is|one is|treatment is|would be|one would be|option is) (?:better|best|right) for (?:me|him|her|us|my)\b",
        r"\bwhat would you do\b",
        r"\bif you were me\b",
    ),
    "override_attempt": _any(
        r"\b(?:ignore|forget|disregard|bypass|override|skip) (?:all |your |the |any |previous |prior |those )*"
        r"(?:rules|instructions|guidelines|programming|restrictions|safety|limits)\b",
        r"\bpretend (?:you are|youre|to be) (?:a |an |my )?(?:doctor|oncologist|nurse|physician)\b",
        r"\bact as (?:a |an |my )?(?:doctor|oncologist|nurse|physician)\b",
        r"\bjust this once\b",
        r"\boff the record\b",
        r"\bno one will know\b",
    ),
}

_ALLOWED_COMMANDS = re.compile(
    r'^/(?:greet|help|human_contact|tell_me_more|choose_answer\{"answer_id": ?"[a-z0-9_.]{1,120}"\}'
    r'|choose_topic\{"topic": ?"[a-z0-9_]{1,64}"\})$'
)
"""Payloads of the assistant's own buttons; anything else typed with a leading '/' is refused."""

_COMMON_ENGLISH = frozenset(
    """a about after all also am an and any are as at be because been before being but by can cant could
    did do does doing dont for from get gets getting go going had has have he her him his how i if im in
    into is it its ive just know last like long make me more most much my need no not now of off ok okay on
    one or our out please really right say see she should so some take than thank thanks that the their them
    then there they this to too up us very was we well were what when where which while who why will with
    would yes you your hi hello hey help dose side effect effects treatment cancer drug doctor nurse feel
    pain sick day days week weeks long work works""".split()
)
_FOREIGN_FUNCTION_WORDS = frozenset(
    # Words that are not also English words ("die", "son", "as", "il" are left out on purpose).
    """el la los las que del y es por para una como qué cuáles está puedo tengo estoy
    les est pas qui avec une des du et je suis mon pour dans sur
    der das und ist nicht ich mein meine ein eine mit für auf bin
    os não com um uma meu minha é eu
    lo gli che di non sono mio mia""".split()
)
"""Function words of Spanish, French, German, Portuguese and Italian: a message made of these is not English."""


_TYPOS = {
    "cnt": "cant",
    "pian": "pain",
    "siezure": "seizure",
    "seizer": "seizure",
    "sezure": "seizure",
    "brething": "breathing",
    "breating": "breathing",
    "chset": "chest",
    "confussed": "confused",
    "confuesd": "confused",
    "bleding": "bleeding",
    "brethe": "breathe",
    "breath": "breath",
}
"""Frequent misspellings of red-flag words, corrected before matching."""


def normalise(text: str) -> str:
    """Lowercase, unify quotes and spacing, drop markup and apostrophes ("can't" -> "cant")."""
    text = unicodedata.normalize("NFKC", html.unescape(text))
    text = re.sub(r"<[^>]{0,200}>", " ", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("'", "").lower()
    text = re.sub(r"[,.;:!?]+(?=\s|$)", " ", text)
    return " ".join(_TYPOS.get(word, word) for word in text.split())


def triage(text: str | None) -> Triage:
    """Decide what the deterministic layer does with one message (see module docstring)."""
    raw = text or ""
    clean = normalise(raw[: MAX_MESSAGE_CHARS * 20])  # bound the regex work on huge inputs
    flag = red_flag(clean)
    if flag:
        return Triage(Route.EMERGENCY, reason=flag)
    problem = _input_problem(raw, clean)
    if problem is not None:
        return Triage(Route.BAD_INPUT, reason=problem.value, problem=problem)
    for name, pattern in _CLINICAL_DECISION.items():
        if pattern.search(clean):
            return Triage(Route.CLINICAL_DECISION, reason=name)
    return Triage(Route.NONE)


def red_flag(clean: str) -> str:
    """Name of the red flag a normalised message reports, or '' when it reports none.

    A message that only asks about a symptom in general ("does IL-2 cause chest pain?") is not an
    emergency; one that reports it ("my chest hurts", "chest pain") is.
    """
    if _ALWAYS_PERSONAL.search(clean):
        return next((name for name, p in _RED_FLAGS.items() if p.search(clean)), "self_harm")
    if _HISTORY.search(clean) and not _NOW.search(clean):
        return ""
    for name, pattern in _RED_FLAGS.items():
        if pattern.search(clean) and (_PERSONAL_REPORT.search(clean) or not _GENERAL_QUESTION.search(clean)):
            return name
    return ""


def _input_problem(raw: str, clean: str) -> InputProblem | None:
    if not raw.strip():
        return InputProblem.EMPTY
    if len(raw) > MAX_MESSAGE_CHARS:
        return InputProblem.TOO_LONG
    if clean.startswith("/"):
        return None if _ALLOWED_COMMANDS.match(raw.strip()) else InputProblem.COMMAND
    letters = [c for c in clean if c.isalpha()]
    if not letters:
        return InputProblem.NO_WORDS
    if sum(1 for c in letters if c.isascii()) < 0.6 * len(letters):
        return InputProblem.NOT_ENGLISH
    words = re.findall(r"[a-z\u00c0-\u024f]+", clean)
    foreign = sum(1 for w in words if w in _FOREIGN_FUNCTION_WORDS)
    english = sum(1 for w in words if w in _COMMON_ENGLISH)
    if foreign >= 2 and foreign > english:
        return InputProblem.NOT_ENGLISH
    return None
