"""The `local/` inspect model provider: GGUF models run in-process with llama-cpp-python."""
