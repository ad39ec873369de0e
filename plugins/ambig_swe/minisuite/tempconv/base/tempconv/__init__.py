from .parse import parse_temperature
