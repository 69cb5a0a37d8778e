"""sora-sdk clients for the harness, hosted in a child process so a client crash fails one test only."""
from .pool import ClientConnectError, ClientCrashed, ClientError, ClientPool, CloseInfo, SoraClient

__all__ = ["ClientConnectError", "ClientCrashed", "ClientError", "ClientPool", "CloseInfo", "SoraClient"]
