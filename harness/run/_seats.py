"""Who sits in a run's seats: the simulator settings a seat gets, a person's web page, the survey after.

`simulator.KEY=` settings go to the harness simulator in whichever seat names it: the task's
`simulator=`, a model role `model_roles.user=sim/NAME`, or the model under test itself
(`model=sim/NAME`: e.g. `model=sim/human seat=web`, a person answering as the assistant, for
human baselines of chat tasks). `seat=web` (with `seat.port=`, `seat.timeout=`) puts the human
simulator on a web page; `survey=default|FILE` asks the seat's occupant to rate each conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness._errors import ConfigError
from harness.config._run_config import RunConfig
from harness.plugins._factory import resolve_component
from harness.plugins._kinds import PluginKind
from harness.plugins._registry import Registry
from harness.results._seats import HUMAN, SEAT_PREFIX, seat_kind


@dataclass(frozen=True)
class SeatSettings:
    """Where a person sits in (`terminal` or `web`), the web page's port and per-turn timeout, and the
    text the task expects from its user at the end of a conversation (`stop_text`, e.g. tau2's `###STOP###`)."""

    kind: str = "terminal"
    port: int = 0
    timeout: float = 600.0
    stop_text: str | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "SeatSettings":
        seat = options.get("seat") or {}
        if isinstance(seat, str):
            seat = {"kind": seat}
        stop_text = seat.get("stop_text")
        return cls(
            seat_kind(options),
            int(seat.get("port", 0)),
            float(seat.get("timeout", 600.0)),
            str(stop_text) if stop_text else None,
        )

    def human_args(self, role: str) -> dict[str, Any]:
        """The human simulator's settings for this seat, playing `role` (`user` or `agent`)."""
        args: dict[str, Any] = {"plays": role}
        if self.kind == "web":
            args.update(seat="web", port=self.port, timeout=self.timeout)
        return args


def seated(name: str, args: dict[str, Any], seat: SeatSettings, role: str) -> dict[str, Any]:
    """A simulator's settings with the seat's added (for the human simulator; the user's own settings win)."""
    if name != HUMAN:
        return args
    return {**seat.human_args(role), **args}


def seat_model(config: RunConfig, registry: Registry, model: str, role: str) -> dict[str, Any]:
    """`{"model": "sim/NAME", "model_args": ...}` for a simulator seated as a model (a role, or the model under test).

    Raises:
        ConfigError: `simulator=` names another simulator (the `simulator.*` settings would be
            ambiguous), or the settings do not fit (`sim/llm` without its own model...).
    """
    from harness.models._sim_provider import as_model_args, check_seat_args

    name = model[len(SEAT_PREFIX) :]
    if role == "agent":  # the model under test's place: its settings come from seat=; simulator.* is the task's user
        values: Mapping[str, Any] | None = {}
        raw: Mapping[str, str] | None = {}
    else:
        if config.simulator and config.simulator != name:
            raise ConfigError(
                f"simulator={config.simulator} and {model} both take the simulator.* settings; "
                "seat the same simulator in both, or drop one"
            )
        values, raw = config.args.get("simulator"), config.raw_args.get("simulator")
    resolved = resolve_component(registry, PluginKind.SIMULATOR, name, values, raw)
    check_seat_args(name, resolved.args)
    seat = SeatSettings.from_options(config.options)
    args = seated(name, resolved.args, seat, role)
    if role == "agent":
        args["seat_role"] = "agent"
    elif seat.stop_text:
        args["stop_text"] = seat.stop_text
    return {"model": model, "model_args": as_model_args(args)}


def survey_questions(options: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The survey `survey=` asks (None without one); a bad survey file stops the run before it starts."""
    spec = options.get("survey")
    if not spec:
        return None
    from harness.simulation._survey import load_survey

    return load_survey(str(spec))


def one_process(options: Mapping[str, Any]) -> bool:
    """A web seat serves one page from one process: such a run is not split among workers.

    Raises:
        ConfigError: workers > 1 or Ray asked for together with seat=web.
    """
    if SeatSettings.from_options(options).kind != "web":
        return False
    if options.get("executor") == "ray" or (isinstance(options.get("workers"), int) and options["workers"] > 1):
        raise ConfigError(
            "seat=web serves one page from one process: drop workers=/executor= for a run with a web seat"
        )
    return True
