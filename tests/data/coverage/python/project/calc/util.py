def clean(values):
    return [v for v in values if v is not None]
