"""The `harness-docker` sandbox: inspect sandboxes on the docker SDK, with a warm container pool.

Tasks ask for it with `sandbox=("harness-docker", DockerSandboxConfig(...))` (or an image name,
a Dockerfile or a YAML file). Public here: the config, the error type, the environment class
(for code that drives sandboxes without a task, e.g. benchmarks), `close_sandbox_pools`,
`Container` (a throwaway container for work outside a sample, e.g. an evaluator's test run, on
the same hardened path as every sandbox), what plugins need to build task images offline
(`build_image`, `image_id`, the host-git helpers `clone_commit`, `has_commit`, `is_repository`,
`file_at`, and `download_wheels`), and the base images by Debian suite (`SUITE_PYTHON`,
`base_image_tag`, `base_image_for_python`; build one with `harness sandbox base-image suite=bullseye`).
Names are loaded on first use, so `harness --help` imports neither docker nor inspect-ai.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.sandbox._base_image import BASE_IMAGE, SUITE_PYTHON, base_image_for_python, base_image_tag
    from harness.sandbox._config import DockerSandboxConfig
    from harness.sandbox._engine import SandboxError
    from harness.sandbox._environment import HarnessDockerSandbox
    from harness.sandbox._pool import close_pools as close_sandbox_pools
    from harness.sandbox._engine import ImageBuildError
    from harness.sandbox._hostgit import clone_commit, file_at, has_commit, is_repository
    from harness.sandbox._images import build_image, image_id
    from harness.sandbox._throwaway import CommandResult, Container
    from harness.sandbox._wheels import WheelhouseError, download_wheels, pip_target_options, without_marker

__all__ = [
    "BASE_IMAGE",
    "SUITE_PYTHON",
    "CommandResult",
    "Container",
    "ImageBuildError",
    "WheelhouseError",
    "build_image",
    "clone_commit",
    "download_wheels",
    "file_at",
    "has_commit",
    "image_id",
    "is_repository",
    "pip_target_options",
    "without_marker",
    "DockerSandboxConfig",
    "HarnessDockerSandbox",
    "SandboxError",
    "base_image_for_python",
    "base_image_tag",
    "close_sandbox_pools",
]

_LAZY = {
    "BASE_IMAGE": ("harness.sandbox._base_image", "BASE_IMAGE"),
    "SUITE_PYTHON": ("harness.sandbox._base_image", "SUITE_PYTHON"),
    "base_image_for_python": ("harness.sandbox._base_image", "base_image_for_python"),
    "base_image_tag": ("harness.sandbox._base_image", "base_image_tag"),
    "DockerSandboxConfig": ("harness.sandbox._config", "DockerSandboxConfig"),
    "SandboxError": ("harness.sandbox._engine", "SandboxError"),
    "HarnessDockerSandbox": ("harness.sandbox._environment", "HarnessDockerSandbox"),
    "close_sandbox_pools": ("harness.sandbox._pool", "close_pools"),
    "CommandResult": ("harness.sandbox._throwaway", "CommandResult"),
    "Container": ("harness.sandbox._throwaway", "Container"),
    "ImageBuildError": ("harness.sandbox._engine", "ImageBuildError"),
    "build_image": ("harness.sandbox._images", "build_image"),
    "image_id": ("harness.sandbox._images", "image_id"),
    "clone_commit": ("harness.sandbox._hostgit", "clone_commit"),
    "file_at": ("harness.sandbox._hostgit", "file_at"),
    "has_commit": ("harness.sandbox._hostgit", "has_commit"),
    "is_repository": ("harness.sandbox._hostgit", "is_repository"),
    "WheelhouseError": ("harness.sandbox._wheels", "WheelhouseError"),
    "download_wheels": ("harness.sandbox._wheels", "download_wheels"),
    "pip_target_options": ("harness.sandbox._wheels", "pip_target_options"),
    "without_marker": ("harness.sandbox._wheels", "without_marker"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attribute = _LAZY[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'harness.sandbox' has no attribute {name!r}")
