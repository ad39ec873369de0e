"""The `harness-docker` sandbox: inspect sandboxes on the docker SDK, with a warm container pool."""
