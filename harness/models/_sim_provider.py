"""`sim/NAME`: a harness simulator standing in inspect's user seat, as an inspect model.

Any inspect task that asks `get_model(role="user")` for its user (inspect_evals' `tau2_*` tasks
do) can be served by a harness simulator: `model_roles.user=sim/oracle` under `harness eval`, or
`--model-role user=sim/oracle` under plain `inspect eval` (the provider is registered through the
`inspect_ai` entry point). The simulator receives what inspect's user model would have received:

- the system messages (the user's instructions, persona, facts) become its hidden information;
- the conversation arrives with inspect's user-model convention (the agent speaks as `user`, the
  user's own earlier turns are `assistant`) and is turned back into agent and user turns;
- the sample it serves is the sample inspect is running (read from inspect's active sample, which
  inspect has no public accessor for: `harness.simulation._active.current_sample` is the harness's
  one place for it).

Model args are the simulator's own parameters (`sim/replay` takes `path`), plus `stop_text`: what
to append when the simulator ends the conversation (tau2's user says `###STOP###`), and
`seat_role`: `user` (default) or `agent` when it stands in the model under test's place
(`model=sim/human seat=web`: a person answers as the assistant). Each reply is recorded in the
sample's transcript with the seat that produced it, and the conversation in the sample's store.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from harness._errors import ConfigError
from harness.simulation import SimulatorContext, Turn
from harness.simulation._protocol import NOTE_METADATA
from harness.simulation._active import current_sample, seat_served

SEAT_SOURCE = "user seat"
"""The transcript `info` source under which each reply of a seat is recorded."""


def seat_input(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The user's hidden information (the system messages) and the conversation as agent/user turns."""
    hidden = "\n\n".join(m.text for m in messages if isinstance(m, ChatMessageSystem) and m.text)
    turns = []
    for message in messages:
        if isinstance(message, ChatMessageUser):
            turns.append(Turn("agent", message.text, note=bool((message.metadata or {}).get(NOTE_METADATA))))
        elif isinstance(message, ChatMessageAssistant):
            turns.append(Turn("user", message.text))
    return hidden, turns


SIMULATOR_MODEL_ARG = "sim_model"
"""The model arg that carries a simulator's own `model` setting (`sim/llm`'s): inspect's `get_model`
takes `model` itself, so a simulator's `model` travels under this name and is renamed back."""


def as_model_args(simulator_args: dict[str, Any]) -> dict[str, Any]:
    """A simulator's settings as model args of `sim/NAME` (its `model` under `sim_model`)."""
    args = dict(simulator_args)
    if "model" in args:
        args[SIMULATOR_MODEL_ARG] = args.pop("model")
    return args


@modelapi(name="sim")
class SimulatorModelAPI(ModelAPI):
    """A harness simulator (`sim/oracle`, `sim/replay`, `sim/llm`, `sim/human`, any plugin) as inspect's user model."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        stop_text: str | None = None,
        seat_role: str = "user",
        **simulator_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config or GenerateConfig())
        if seat_role not in ("user", "agent"):
            raise ConfigError(f"sim/{model_name}: seat_role must be user or agent, got {seat_role!r}")
        self.stop_text = stop_text
        self.seat_role = seat_role
        if SIMULATOR_MODEL_ARG in simulator_args:
            simulator_args["model"] = simulator_args.pop(SIMULATOR_MODEL_ARG)
        self.simulator_args = simulator_args
        self.simulator = build_simulator(model_name, simulator_args)

    async def generate(
        self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice, config: GenerateConfig
    ) -> ModelOutput:
        from inspect_ai.log import transcript

        hidden, conversation = seat_input(input)
        sample = current_sample()
        opening = not any(turn.role == "user" for turn in conversation)
        context = SimulatorContext(hidden_info=hidden, sample_id=sample.id if sample else None, opening=opening)
        reply = await self.simulator.reply(conversation, context)
        text = reply.text
        if reply.end and self.stop_text:
            text = f"{text} {self.stop_text}".strip()
        turns = _task_turns([*conversation, Turn("user", text)], self.seat_role)
        seat_served(self.simulator, self.seat_role, turns, hidden)
        transcript().info(
            {
                "seat": f"sim/{self.model_name}",
                "seat_role": self.seat_role,
                "simulator": self.simulator.name,
                "turn": sum(1 for turn in conversation if turn.role == "user") + 1,
                "text": text,
                **({"info": dict(reply.info)} if reply.info else {}),
            },
            source=SEAT_SOURCE,
        )
        return ModelOutput.from_content(model=f"sim/{self.model_name}", content=text)

    def max_tokens(self) -> int | None:
        return None


def _task_turns(conversation: list[Turn], seat_role: str) -> list[dict[str, str]]:
    """The conversation in the task's terms: `user` and `agent` as the task has them, whoever sits where.

    `seat_input` gives the occupant's own turns the role `user`; in the agent's seat those are the agent's.
    """
    swap = {"user": "agent", "agent": "user"} if seat_role == "agent" else {"user": "user", "agent": "agent"}
    return [{"role": swap[turn.role], "text": turn.text} for turn in conversation]


def build_simulator(name: str, args: dict[str, Any]) -> Any:
    """The harness simulator `name` (a `harness.simulators` plugin) built with `args`, typed and checked.

    Raises:
        ConfigError: See `simulator_args`.
        PluginNotFoundError: No simulator of that name.
    """
    from harness.plugins._factory import resolve_component
    from harness.plugins._kinds import PluginKind
    from harness.plugins._registry import Registry

    check_seat_args(name, args)
    resolved = resolve_component(Registry.from_environment(), PluginKind.SIMULATOR, name, args, prefix="simulator.")
    return resolved.build()


def check_seat_args(name: str, args: dict[str, Any]) -> None:
    """Refuse settings with which simulator `name` cannot sit in the user seat.

    Raises:
        ConfigError: `sim/llm` without a `model` of its own: it would ask itself through the user role.
    """
    if name == "llm" and not args.get("model"):
        raise ConfigError(
            "sim/llm in the user seat needs a model of its own: simulator.model=PROVIDER/NAME "
            f"(under inspect: model_args: {{{SIMULATOR_MODEL_ARG}: ...}}); "
            "without one it would ask itself through the user role"
        )
