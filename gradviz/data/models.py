"""The former name of `gradviz.data.loss_presets` (the loss presets of the Loss on data window), kept so that code
written against `gradviz.data.models` keeps working: `MODELS` and `Model` are `LOSS_PRESETS` and `LossPreset`."""

from gradviz.data.loss_presets import (  # noqa: F401 (re-exported)
    LOSS_PRESETS,
    LossPreset,
    check_labels,
    decision_boundary,
    model_function,
    model_output,
    through,
)

MODELS = LOSS_PRESETS
Model = LossPreset
