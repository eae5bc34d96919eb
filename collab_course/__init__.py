__version__ = "0.0.1"

import warnings
# fastai builds a few activation functions with `torch.jit.script` when it is imported; recent torch (2.13 here) deprecates
# that call and says so once per process, in every lesson and every `collab-course` command. Nothing here can act
# on it, so exactly that message is silenced, before any module of the package imports fastai.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script(_method)?` is (deprecated|not supported)', category=DeprecationWarning)
