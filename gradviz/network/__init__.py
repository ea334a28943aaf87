"""Networks: a model's loss on data typed in the matrix language, its exact derivatives and Hessian-vector
products, its top Hessian eigenvalues (Lanczos), and training with the optimizer registry on weight vectors."""

from gradviz.network.datasets import NETWORK_DATASETS, network_dataset
from gradviz.network.mlp import mlp
from gradviz.network.network import MAX_DENSE_HESSIAN, Network, parse_model
from gradviz.network.training import Run, Trainer, train

__all__ = ["MAX_DENSE_HESSIAN", "NETWORK_DATASETS", "Network", "Run", "Trainer", "mlp", "network_dataset",
           "parse_model", "train"]
