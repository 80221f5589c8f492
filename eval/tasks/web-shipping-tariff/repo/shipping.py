"""What a parcel costs to send."""


def shipping_cost(weight_kg, zone):
    """Price in cents; see the carrier's tariff."""
    raise NotImplementedError
