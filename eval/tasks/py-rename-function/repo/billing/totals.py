"""Invoice totals in cents."""


def calc(lines, tax_rate=0.2, discount=0):
    """lines: [(unit_cents, quantity)]. Discount (cents) comes off before tax. Rounded half up."""
    net = sum(unit * qty for unit, qty in lines) - discount
    if net < 0:
        raise ValueError("discount larger than the invoice")
    return int(net * (1 + tax_rate) + 0.5)
