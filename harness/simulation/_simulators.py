"""Built-in simulators: llm, oracle, replay, human, and a fixed reply."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence, TextIO

from harness._errors import ConfigError
from harness.simulation._protocol import CONTINUE_MESSAGE, NO_INFORMATION, SimulatorContext, SimulatorReply, Turn
from harness.simulation._session import DEFAULT_MAX_TURNS

USER_ROLE = "user"
"""The inspect model role that plays simulated users (`model_roles.user=...`)."""

OPENING_QUERY = "I need help with this task: what I want, my request, my goal, my problem"
"""What the oracle looks for in its hidden information when the user speaks first (no question yet)."""

_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=:)[ \t]*\n\s*|\n{2,}|\n(?=[-*#] )|\n(?=```)")


def _tfidf_best(query: str, candidates: list[str]) -> list[tuple[float, int]]:
    """Cosine similarity of `query` to each candidate under TF-IDF fitted on the candidates, best first."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(candidates)
    except ValueError:  # only stop words
        return []
    scores = linear_kernel(vectorizer.transform([query]), matrix)[0]
    return sorted(((float(s), i) for i, s in enumerate(scores)), reverse=True)


_TAGGED_BLOCK = re.compile(r"<(scenario|instructions|user_info|persona|profile|task)>(.*?)</\1>", re.S | re.I)


def _own_facts(hidden_info: str) -> str:
    """What the user knows: the tagged blocks of a role-play prompt (tau2's `<scenario>`), else all of it.

    A user simulation prompt often wraps the user's situation in a tag after pages of role-play
    guidance; answering from the guidance ("Disclose information progressively") is no answer.
    """
    blocks = [body.strip() for _, body in _TAGGED_BLOCK.findall(hidden_info)]
    return "\n\n".join(blocks) if blocks else hidden_info


@dataclass
class OracleSimulator:
    """Answers with the sentences of the hidden information most similar to the question (TF-IDF).

    No model: deterministic, for offline tests and as a cheap baseline. Below `threshold` cosine
    similarity it says it does not have the information.
    """

    top_k: int = 2
    threshold: float = 0.1
    max_turns: int = DEFAULT_MAX_TURNS
    name: str = "oracle"

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        parts = context.sections.items() if context.sections else [("", _own_facts(context.hidden_info))]
        tagged = [(kind, s.strip()) for kind, text in parts for s in _SENTENCE.split(text) if len(s.strip()) > 3]
        sentences = [sentence for _, sentence in tagged]
        query = conversation[-1].text if conversation and conversation[-1].role == "agent" else OPENING_QUERY
        ranked = [(score, i) for score, i in _tfidf_best(query, sentences) if score >= self.threshold]
        if not ranked and context.opening:  # the user opens: nothing asked yet, so it states its request
            ranked = [(score, i) for score, i in _tfidf_best(OPENING_QUERY, sentences) if score >= self.threshold]
        if not ranked:
            return SimulatorReply(NO_INFORMATION, info={"similarity": 0.0, "effort": "high"})
        chosen = sorted(i for _, i in ranked[: self.top_k])  # in the order the user would tell them
        info: dict[str, Any] = {"similarity": round(ranked[0][0], 4)}
        if context.sections:
            levels = [context.section_effort.get(tagged[i][0], "medium") for i in chosen]
            info["effort"] = max(levels, key=["low", "medium", "high"].index)
        return SimulatorReply(" ".join(sentences[i] for i in chosen), info=info)


@dataclass
class ReplaySimulator:
    """Replays recorded user answers of the same sample, in one of two modes chosen by the file.

    - A JSON list of `{"instance_id": ..., "qa_pairs": [[question, answer], ...]}` (the Ambig-SWE
      release's format): the answer whose recorded question is nearest to the agent's question.
    - A conversations JSONL file (one `{"id", "task", "turns": [{"role", "text"}, ...], ...}` per
      line, the format `harness usi export` writes): the user turns of the conversation whose `id`
      is the sample id, in order, turn for turn, so a run can be replayed against another agent.
    """

    path: str
    threshold: float = 0.0
    max_turns: int = DEFAULT_MAX_TURNS
    name: str = "replay"
    _pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)
    _turns: dict[str, list[str]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        file = Path(self.path)
        if not file.is_file():
            raise ConfigError(f"replay simulator: {file} not found (simulator.path=FILE.json or FILE.jsonl)")
        if file.suffix == ".jsonl":
            self._turns = _recorded_user_turns(file)
            self.max_turns = max([self.max_turns, *(len(turns) for turns in self._turns.values())])
            return
        try:
            rows = json.loads(file.read_text())
            self._pairs = {str(r["instance_id"]): [(q, a) for q, a in r["qa_pairs"]] for r in rows}
        except (ValueError, KeyError, TypeError) as ex:
            raise ConfigError(
                f"replay simulator: {file} is not a list of {{instance_id, qa_pairs: [[q, a], ...]}}: {ex}"
            ) from ex

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        if self._turns is not None:
            return self._next_turn(conversation, context)
        pairs = self._pairs.get(str(context.sample_id), [])
        if not pairs:
            return SimulatorReply(NO_INFORMATION, info={"recorded": 0})
        ranked = _tfidf_best(conversation[-1].text, [q for q, _ in pairs])
        if not ranked or ranked[0][0] < self.threshold:
            return SimulatorReply(NO_INFORMATION, info={"recorded": len(pairs)})
        score, index = ranked[0]
        return SimulatorReply(
            pairs[index][1], info={"matched_question": pairs[index][0], "similarity": round(score, 4)}
        )

    def _next_turn(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        """The recorded user turn that comes next: as many as the user has spoken so far."""
        assert self._turns is not None
        turns = self._turns.get(str(context.sample_id))
        if turns is None:
            return SimulatorReply(NO_INFORMATION, end=True, info={"recorded": 0})
        spoken = sum(1 for turn in conversation if turn.role == "user")
        if spoken >= len(turns):
            return SimulatorReply(NO_INFORMATION, end=True, info={"replayed": spoken, "recorded": len(turns)})
        return SimulatorReply(turns[spoken], info={"replayed": spoken + 1, "recorded": len(turns)})

    def __len__(self) -> int:
        return len(self._turns) if self._turns is not None else len(self._pairs)


def _recorded_user_turns(file: Path) -> dict[str, list[str]]:
    """The user turns of each conversation of a conversations JSONL file, by conversation id.

    Raises:
        ConfigError: A line that is not a conversation; the message names `file:line`.
    """
    conversations: dict[str, list[str]] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turns = [str(turn["text"]) for turn in row["turns"] if turn["role"] == "user"]
            conversations[str(row["id"])] = turns
        except (ValueError, KeyError, TypeError) as ex:
            raise ConfigError(
                f"replay simulator: {file}:{number} is not a conversation "
                f'{{"id", "turns": [{{"role": "user"|"agent", "text"}}, ...]}}: {type(ex).__name__}: {ex}'
            ) from ex
    if not conversations:
        raise ConfigError(f"replay simulator: {file} holds no conversation")
    return conversations


PERSONA_PROMPT = """\
You are a user who asked a software engineer for help. You know the following, which the engineer \
does not:

<hidden>
{hidden_info}
</hidden>
{persona}
Answer the engineer's questions truthfully and briefly, using only what you know above. If the \
answer is not in it, say "I don't have that information." Do not solve the task for them and do \
not volunteer information they did not ask for."""


@dataclass
class LLMSimulator:
    """A persona prompt over an inspect model: `model` if given, else the run's `user` role, else the run's model."""

    model: str | None = None
    temperature: float = 0.0
    max_turns: int = DEFAULT_MAX_TURNS
    prompt: str = PERSONA_PROMPT
    name: str = field(init=False, default="llm")

    def __post_init__(self) -> None:
        self.name = f"llm:{self.model}" if self.model else "llm:role=user"

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model

        persona = f"\nAbout you: {context.persona}\n" if context.persona else "\n"
        messages: list[Any] = [
            ChatMessageSystem(content=self.prompt.format(hidden_info=context.hidden_info, persona=persona))
        ]
        for turn in conversation:  # the engineer speaks as "user" to this model; it answers as assistant
            messages.append(
                ChatMessageUser(content=turn.text) if turn.role == "agent" else ChatMessageAssistant(content=turn.text)
            )
        model = get_model(self.model) if self.model else get_model(role=USER_ROLE)
        output = await model.generate(messages, config=GenerateConfig(temperature=self.temperature))
        return SimulatorReply(output.completion.strip() or NO_INFORMATION)


@dataclass
class HumanSimulator:
    """A person answers: in the terminal, or in the browser with `seat="web"` (Sim2Real checks need real users).

    In the web seat, each turn waits in the page's queue for up to `timeout` seconds; with
    `plays="agent"` the person answers as the model under test (`model=sim/human seat=web`).
    """

    max_turns: int = DEFAULT_MAX_TURNS
    name: str = "human"
    stream: TextIO | None = field(default=None, repr=False)
    interactive: bool = True
    """A person answers: conformance checks do not run it unattended."""
    seat: str = "terminal"
    plays: str = "user"
    port: int = 0
    timeout: float = 600.0

    def __post_init__(self) -> None:
        if self.seat not in ("terminal", "web"):
            raise ConfigError(f"human simulator: seat must be terminal or web, got {self.seat!r}")
        if self.plays not in ("user", "agent"):
            raise ConfigError(f"human simulator: plays must be user or agent, got {self.plays!r}")
        if self.seat == "web":
            self.name = "human:web"

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        if self.stream is not None:  # scripted input (tests, piped answers)
            line = self.stream.readline()
            return SimulatorReply(line.strip() or NO_INFORMATION)
        if self.seat == "web":
            answer = await self._on_page("turn", conversation, context)
            return SimulatorReply(str(answer).strip() or CONTINUE_MESSAGE)
        return await self._in_terminal(conversation, context)

    async def rate(
        self, conversation: Sequence[Turn], context: SimulatorContext, questions: Sequence[str]
    ) -> dict[str, float]:
        """The person's answers to the survey (on the page; in the terminal, one number per question)."""
        from harness.simulation._survey import question_scale

        scales = [question_scale(text).to_dict() for text in questions]
        if self.seat == "web":
            answers = await self._on_page("survey", conversation, context, questions=scales)
        else:
            answers = await self._rate_in_terminal(scales)
        return {text: _rating(answers.get(text)) for text in questions}

    async def _on_page(self, kind: Any, conversation: Sequence[Turn], context: SimulatorContext, **details: Any) -> Any:
        from harness.seat._web import web_seat
        from harness.simulation._active import current_sample

        sample = current_sample()
        seat = web_seat(self.port)
        brief = context.hidden_info + (f"\n\nAbout you: {context.persona}" if context.persona else "")
        messages = [{"who": _who(turn), "text": turn.text} for turn in conversation]
        item = seat.queue.add(kind, sample.key if sample else "?", self.plays, brief, messages=messages, **details)
        return await seat.ask(item, self.timeout)

    async def _in_terminal(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        import anyio
        from inspect_ai.util import input_screen

        question = conversation[-1].text if conversation else "(you open the conversation)"
        with input_screen(header="The agent asks you (simulated user)") as console:
            console.print(f"[bold]Context you hold:[/bold]\n{context.hidden_info}\n")
            console.print(f"[bold]Question:[/bold] {question}")
            answer = await anyio.to_thread.run_sync(lambda: console.input("Your answer (empty = end): "))
        return SimulatorReply(answer.strip() or CONTINUE_MESSAGE, end=not answer.strip())

    async def _rate_in_terminal(self, scales: list[dict[str, Any]]) -> dict[str, Any]:
        import anyio
        from inspect_ai.util import input_screen

        answers: dict[str, Any] = {}
        with input_screen(header="Please rate the conversation") as console:
            for scale in scales:
                prompt = (
                    f"{scale['text']} ({scale['low']}={scale['low_label']} .. {scale['high']}={scale['high_label']}): "
                )
                answers[scale["text"]] = await anyio.to_thread.run_sync(console.input, prompt)
        return answers


def _who(turn: Turn) -> str:
    """How the page labels a turn: the seat's own (`you`), the other side's, or a note to the seat."""
    if turn.role == "user":
        return "you"
    return "note" if getattr(turn, "note", False) else "other"


def _rating(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


@dataclass
class FixedReplySimulator:
    """Always gives the same answer (the `hidden` setting's user: "Please continue working on the task.")."""

    text: str = CONTINUE_MESSAGE
    max_turns: int = 1_000_000
    name: str = "fixed"

    async def reply(self, conversation: Sequence[Turn], context: SimulatorContext) -> SimulatorReply:
        return SimulatorReply(self.text)


# -- plugin factories (entry points harness.simulators) ------------------------------------------


def oracle(top_k: int = 2, threshold: float = 0.1, max_turns: int = DEFAULT_MAX_TURNS) -> OracleSimulator:
    """Answer from the hidden information by TF-IDF sentence retrieval; no model.

    Args:
        top_k: Sentences per answer.
        threshold: Minimum cosine similarity; below it the user has no information.
        max_turns: Questions answered before the user only says to continue.
    """
    return OracleSimulator(top_k=top_k, threshold=threshold, max_turns=max_turns)


def replay(path: str, threshold: float = 0.0, max_turns: int = DEFAULT_MAX_TURNS) -> ReplaySimulator:
    """Replay recorded user answers of the same sample (nearest question, or turn for turn).

    Args:
        path: JSON file of [{"instance_id", "qa_pairs": [[question, answer], ...]}] (answers by the
            nearest recorded question), or a conversations JSONL file (the user turns of the
            conversation whose id is the sample id, in order).
        threshold: Minimum similarity to a recorded question.
        max_turns: Questions answered before the user only says to continue.
    """
    return ReplaySimulator(path=path, threshold=threshold, max_turns=max_turns)


def llm(model: str | None = None, temperature: float = 0.0, max_turns: int = DEFAULT_MAX_TURNS) -> LLMSimulator:
    """A persona prompt over an inspect model that holds the hidden information.

    Args:
        model: Model of the user, e.g. openai/gpt-4o (default: the run's `user` role,
            `model_roles.user=...`, else the model under test).
        temperature: Sampling temperature of the user model.
        max_turns: Questions answered before the user only says to continue.
    """
    return LLMSimulator(model=model, temperature=temperature, max_turns=max_turns)


def human(
    max_turns: int = DEFAULT_MAX_TURNS,
    seat: str = "terminal",
    plays: str = "user",
    port: int = 0,
    timeout: float = 600.0,
) -> HumanSimulator:
    """A person answers: in the terminal (run with max_samples=1), or on a web page (seat=web).

    Args:
        max_turns: Questions answered before the user only says to continue.
        seat: `terminal`, or `web`: a page on 127.0.0.1 with a queue of conversations (the run
            option `seat=web` sets it).
        plays: `user` (the person plays the user) or `agent` (the person plays the model under test).
        port: The web page's port (0: a free one).
        timeout: Seconds a turn waits for the person in the web seat before the sample errs.
    """
    return HumanSimulator(max_turns=max_turns, seat=seat, plays=plays, port=port, timeout=timeout)
