"""Renders a summary."""


def table(rows):
    lines = [f"{'region':<10}{'orders':>8}{'revenue':>12}"]
    for region, count, revenue in rows:
        lines.append(f"{region:<10}{count:>8}{revenue:>12.2f}")
    lines.append(f"{'total':<10}{sum(r[1] for r in rows):>8}{sum(r[2] for r in rows):>12.2f}")
    return "\n".join(lines)
