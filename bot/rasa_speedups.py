"""Per-message work in Rasa 3.6 that buys nothing, removed from the Rasa server process.

Measured with cProfile on 200 held-out messages (BENCHMARKS.md, "Where the time went"): Rasa
validated each action server response with `jsonschema.validate()`, which first checks the constant
response schema against the JSON Schema meta-schema, every call. That was about three quarters of the
time of a whole turn. Here the schema is checked once and its validator kept; every response is still
validated against the same schema, and an invalid one still raises the same `ValidationError`.

Then, reading a conversation back from the tracker store looked up each event's class by walking every
subclass of `Event` (about 30 classes, recursively) per event: 6 ms a turn in a short conversation,
growing with its length. The class found for each type name is now remembered; a name never seen
before still goes through Rasa's own lookup, so unknown names fail as they did.

Each action call also sent the action server the whole conversation (every event, every answer
with its sources) as JSON, and Rasa encoded it on every call: 11% of the server's time under load
and growing with each turn. Our actions read only the latest message and the slots, so the call now
carries the events of the current turn only (from the latest user message on), with the same
slots and latest message; the action server also receives less of what patients typed.

Last, each run of the model graph (three a turn) worked out again which graph nodes its targets
need, recursively, and formatted its inputs (the message or the whole conversation) into a debug
log line that is thrown away at the INFO level; with py-spy under load that was 6% of the server's
time. The runnable graph for each set of targets is now built once per loaded model, and nothing
formats the inputs: they hold what patients type, which has no place in a log line anyway.

Installed when `bot.rasa_policy` is imported, which every model of this project does (the triage
policy is in `config.yml`), so `rasa run` and `make run` get it without a plugin.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import dask
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

_RASA_RESOLVE_EVENT_TYPE = Event.resolve_by_type
_EVENT_TYPES: dict[str, type[Event]] = {}


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The validator of Rasa's action-response schema, the schema itself checked once."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server response, with the validator built once."""
    from jsonschema.exceptions import best_match

    error = best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid."
        )
        raise error
    return True


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """The event class for a type name, as Rasa finds it, remembered after the first time."""
    known = _EVENT_TYPES.get(type_name)
    if known is not None:
        return known
    found = _RASA_RESOLVE_EVENT_TYPE(type_name, default)
    if found is not None and found.type_name == type_name:  # never remember a default
        _EVENT_TYPES[type_name] = found
    return found


def run_graph(self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict:
    """Rasa's `DaskGraphRunner.run`, with the runnable graph of each target list built once."""
    run_targets = list(targets) if targets else list(self._graph_schema.target_names)
    built = self.__dict__.setdefault("_runnable_graphs", {})
    key = tuple(run_targets)
    if key not in built:
        built[key] = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    run_graph = dict(built[key])  # the inputs go into a copy: the built graph is shared by every turn
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(dask.get(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def current_turn_events(tracker: DialogueStateTracker) -> list[Event]:
    """The events from the latest user message on (all of them when there is none)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
    """Rasa's action-server request body, with the current turn's events instead of all of them."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in current_turn_events(tracker)]
    result: dict[str, Any] = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    """Put the cached versions in place of Rasa's (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign,assignment]
    DaskGraphRunner.run = run_graph  # type: ignore[method-assign]


def installed() -> bool:
    """Whether the cached versions are in place."""
    return (
        RemoteAction._validate_action_result is validate_action_result
        and RemoteAction._action_call_format is action_call_format
        and Event.resolve_by_type is resolve_event_type
        and DaskGraphRunner.run is run_graph
    )
