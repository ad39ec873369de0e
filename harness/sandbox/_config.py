"""Configuration of a `harness-docker` sandbox, and how a task's config string is read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from harness.sandbox._engine import SandboxError


class DockerSandboxConfig(BaseModel, frozen=True):
    """What a task asks of its sandbox: `sandbox=("harness-docker", DockerSandboxConfig(...))`.

    The same fields can come from a YAML file (`sandbox=("harness-docker", "sandbox.yaml")`); a plain
    string is an image name, or a path to a Dockerfile that is built FROM the harness base image.
    """

    model_config = ConfigDict(extra="forbid")

    image: str | None = None
    """Image to run; default `plugeval/base:bookworm` when no dockerfile is given."""
    dockerfile: str | None = None
    """Dockerfile to build (context: its directory); the image is tagged by a hash of the context."""
    network: bool = False
    """Give containers a network: the run's own bridge (egress and the host, never another container).
    Off by default: no network at all."""
    memory: str = "1g"
    """Memory limit (docker syntax: 512m, 2g); swap is not allowed beyond it."""
    disk: str | None = "10g"
    """Disk a sample may fill (docker syntax: 512m, 10g); None lifts the limit. See docs/sandboxes.md."""
    cpus: float = Field(default=1.0, gt=0)
    """CPU limit in cores."""
    pids_limit: int = Field(default=512, ge=16)
    """Maximum number of processes in a container (fork bombs stop here)."""
    user: str | None = "auto"
    """User commands run as: "auto" = `agent` when the image has it, else root; a name or uid; None = image default."""
    workdir: str = "/workspace"
    """Per-sample working directory (created, owned by the user); relative paths resolve against it."""
    pool_size: int = Field(default=2, ge=0)
    """Containers kept started and waiting, per image and config."""
    max_containers: int | None = Field(default=None, ge=1)
    """At most this many containers of this config at once (acquire waits); None = no limit."""
    environment: tuple[str, ...] = ()
    """Environment variables set in every container, as KEY=VALUE (a tuple: inspect hashes configs)."""
    environments: tuple[str, ...] = Field(default=("default",), min_length=1)
    """Names of the sandbox environments each sample gets, one container each (e.g. `("agent1", "agent2")`
    for two agents); the first is the sample's default, `sandbox(name)` reaches the others."""

    @field_validator("memory", mode="before")
    @classmethod
    def _memory_size(cls, memory: Any) -> Any:
        if isinstance(memory, int) and not isinstance(memory, bool):
            memory = str(memory)
        if isinstance(memory, str) and size_in_bytes(memory) < 6 * 1024**2:
            raise ValueError(f"{memory!r} is below Docker's minimum memory limit of 6m")
        return memory

    @field_validator("disk", mode="before")
    @classmethod
    def _disk_size(cls, disk: Any) -> Any:
        if isinstance(disk, int) and not isinstance(disk, bool):
            disk = str(disk)
        if isinstance(disk, str):
            size_in_bytes(disk)
        return disk

    @property
    def disk_bytes(self) -> int | None:
        """The disk limit in bytes (None: no limit)."""
        return None if self.disk is None else size_in_bytes(self.disk)

    @field_validator("environments")
    @classmethod
    def _distinct_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(names)) != len(names) or not all(name.strip() for name in names):
            raise ValueError(f"environment names must be distinct and non-empty, got {list(names)}")
        return names

    def key(self) -> str:
        """Identity of the pool this config uses."""
        return self.model_dump_json()


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


def size_in_bytes(size: str | int) -> int:
    """Docker's size syntax (`512m`, `10g`, `1.5G`, `4096`): binary multiples, as docker reads them."""
    if isinstance(size, int) and not isinstance(size, bool):
        value, unit = float(size), ""
    else:
        match = _SIZE.fullmatch(str(size))
        if match is None:
            raise ValueError(f"{size!r} is not a size: use a number with an optional unit k, m, g or t (e.g. 64m, 10g)")
        value, unit = float(match.group(1)), match.group(2).lower()
    result = int(value * 1024 ** " kmgt".index(unit or " "))
    if result < 1024**2:
        raise ValueError(f"{size!r} is less than 1 MiB")
    return result


def parse_config(config: Any) -> DockerSandboxConfig:
    """Read inspect's sandbox config value (None, str, dict or model) as a DockerSandboxConfig."""
    if config is None:
        return DockerSandboxConfig()
    if isinstance(config, DockerSandboxConfig):
        return config
    if isinstance(config, BaseModel):
        config = config.model_dump()
    if isinstance(config, dict):
        return _validated(config, "sandbox config")
    if isinstance(config, str):
        path = Path(config)
        if path.suffix in (".yaml", ".yml"):
            return _from_yaml(path)
        if path.name.endswith("Dockerfile") or path.name.startswith("Dockerfile"):
            if not path.is_file():
                raise SandboxError(f"sandbox Dockerfile {config} not found")
            return DockerSandboxConfig(dockerfile=str(path.resolve()))
        return DockerSandboxConfig(image=_image_reference(config))
    raise SandboxError(f"harness-docker: cannot read sandbox config of type {type(config).__name__}")


def _image_reference(config: str) -> str:
    """Undo inspect's resolution of a string config against the task's directory.

    inspect treats every string sandbox config as a file and makes it absolute, so an image name
    `org/img:tag` arrives as `/path/to/task_dir/org/img:tag`. The image reference is what follows
    the longest prefix that exists as a directory. (A `DockerSandboxConfig` avoids the guesswork.)
    """
    path = Path(config)
    if not path.is_absolute() or path.exists():
        return config
    parts = path.parts
    existing = 1
    for index in range(1, len(parts)):
        if Path(*parts[:index]).is_dir():
            existing = index
        else:
            break
    return "/".join(parts[existing:]) or config


def _from_yaml(path: Path) -> DockerSandboxConfig:
    import yaml

    if not path.is_file():
        raise SandboxError(f"sandbox config {path} not found")
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise SandboxError(f"{path}: a sandbox config is a mapping of DockerSandboxConfig fields")
    dockerfile = data.get("dockerfile")
    if dockerfile and not Path(dockerfile).is_absolute():
        data["dockerfile"] = str((path.parent / dockerfile).resolve())
    return _validated(data, str(path))


def _validated(data: dict[str, Any], where: str) -> DockerSandboxConfig:
    try:
        return DockerSandboxConfig(**data)
    except ValidationError as ex:
        first = ex.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise SandboxError(f"{where}: {field}: {first['msg']}") from ex
