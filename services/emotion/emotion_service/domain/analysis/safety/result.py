"""What the safety check answers: a risk level and the categories behind it."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CATEGORIES", "RiskLevel", "SafetyResult"]


class RiskLevel(StrEnum):
    """How worried a careful reader would be about the writer."""

    NONE = "none"
    #: Distress worth a gentle check-in (hopelessness, feeling a burden) without death content.
    CONCERN = "concern"
    #: A wish to be dead, suicidal thoughts, self-harm, a plan or a farewell.
    URGENT = "urgent"


#: The constructs screened for (after the Columbia Suicide Severity Rating Scale's ideation and
#: behaviour items, plus the interpersonal risk factors), with the level each one means.
CATEGORIES: dict[str, RiskLevel] = {
    "active_wish": RiskLevel.URGENT,        # wanting to die or to kill oneself
    "passive_wish": RiskLevel.URGENT,       # wishing to be dead, not to wake up, not to exist
    "suicidal_thoughts": RiskLevel.URGENT,  # thinking about suicide or one's own death
    "self_harm": RiskLevel.URGENT,          # self-harm acts and urges
    "plan": RiskLevel.URGENT,               # method, plan or preparation
    "farewell": RiskLevel.URGENT,           # goodbyes, last entry, giving things away
    "burden": RiskLevel.URGENT,             # others better off if I were gone
    "worthless_death": RiskLevel.URGENT,    # worthlessness joined to death
    "hopeless": RiskLevel.CONCERN,          # entrapment, no way out, no future
    "burden_only": RiskLevel.CONCERN,       # feeling a burden, no death content
    "worthless_only": RiskLevel.CONCERN,    # feeling worthless, no death content
}


@dataclass(frozen=True)
class SafetyResult:
    risk: RiskLevel
    #: Reason codes such as "ko.passive_wish" or "semantic.plan": never words of the text.
    reasons: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        """Urgent: the card must be calm and the feedback must lead with crisis resources."""
        return self.risk is RiskLevel.URGENT
