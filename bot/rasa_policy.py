"""Dialogue policy that applies `bot.safety.triage` to every message, above every other policy.

Its predictions have confidence 1.0 and the highest priority, so neither the NLU model nor the
other policies can override an emergency, a clinical-decision referral or a bad-input reply.
"""

import shutil
from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_commands, rasa_model_swap, rasa_resilience, rasa_speedups
from bot.safety.net import ensure_built, use_net
from bot.safety.triage import Route, Triage, triage

rasa_speedups.install()  # every model loads this module: see bot/rasa_speedups.py
rasa_model_swap.install()  # conversations survive `PUT /model`: see bot/rasa_model_swap.py
rasa_resilience.install()  # a reply within 2 s when the action server is down: see bot/rasa_resilience.py
rasa_commands.install()  # typed "/intent{...}" stays text: see bot/rasa_commands.py

# Rasa's graph validation evaluates these annotations at run time (Python 3.10), so they are
# real imports and use typing's generics rather than `list[...]` under postponed evaluation.

ROUTE_ACTIONS: dict[Route, str] = {
    Route.EMERGENCY: "action_emergency",
    Route.URGENT: "action_urgent",
    Route.SYMPTOM_CHECK: "action_symptom_check",
    Route.CLINICAL_DECISION: "action_clinical_referral",
    Route.BAD_INPUT: "action_bad_input",
}

EDUCATION_ACTION = "action_answer_faq"
MODEL_ALARMS = frozenset({"emergency", "clinical_decision"})
"""Intents of the dialogue model that an EDUCATION verdict answers from the answer base instead."""

TRIAGE_PRIORITY = 7
"""Above RulePolicy (6): wins every tie at confidence 1.0."""
SAFETY_NET_FILE = "safety_net.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class TriagePolicy(Policy):
    """Deterministic safety routing; learns nothing."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Priority above all stock policies, and the fingerprint of the safety net's inputs.

        The fingerprint is in the configuration so that Rasa's training cache, which keys on it,
        trains this policy again (and packs the new net) whenever the net's inputs change; the
        training stories alone do not change when an FAQ is added.
        """
        from bot.safety.net import fingerprint

        return {"priority": TRIAGE_PRIORITY, "safety_net": fingerprint()}

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Policy:
        """The policy, with the safety check warmed up before the server takes its first message.

        The first check loads the statistical net and compiles the phrase patterns (about 2 s on two
        cores); doing it while the model loads keeps that wait away from the first patient.
        """
        policy = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as directory:
                if (directory / SAFETY_NET_FILE).is_file():
                    use_net(directory / SAFETY_NET_FILE)
        except (ValueError, FileNotFoundError):  # a model from before nets were packed: build/safety's is used
            pass
        triage("hello")
        return policy

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """The rules live in `bot.safety`; the statistical net built from this training data is packed in."""
        net, _ = ensure_built()
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copy(net, directory / SAFETY_NET_FILE)
        return self._resource

    def _triage(self, text: str) -> Triage:
        """The verdict on `text`; Rasa asks twice per turn (before and after the action), so it is kept."""
        last = getattr(self, "_last_verdict", None)
        if last is None or last[0] != text:
            last = (text, triage(text))
            self._last_verdict = last
        return last[1]

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """The triage action right after a flagged message, then listen; otherwise abstain."""
        text = tracker.latest_message.text if tracker.latest_message else None
        if text is None:  # no user message yet (e.g. session start): nothing to triage
            return self._prediction(self._default_predictions(domain))
        verdict = self._triage(text)
        route = verdict.route
        intent = (tracker.latest_message.intent or {}).get("name")
        if route is Route.NONE and intent == "emergency":
            route = verdict.model_alarm  # the model's emergency alone: the net must back it
        action = ROUTE_ACTIONS.get(route)
        if route is Route.EDUCATION and intent in MODEL_ALARMS:
            action = EDUCATION_ACTION  # the rules read the signs as only named: education, not an alarm
        if action is None:
            return self._prediction(self._default_predictions(domain))
        if tracker.latest_action_name == ACTION_LISTEN_NAME:
            next_action = action
        elif tracker.latest_action_name == action:
            next_action = ACTION_LISTEN_NAME
        else:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(next_action)] = 1.0
        return self._prediction(probabilities)
