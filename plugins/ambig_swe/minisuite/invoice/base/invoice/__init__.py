from .total import total
