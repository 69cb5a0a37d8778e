"""API errors: each fixes its error_type and wording; only api/dispatch.py turns them into HTTP."""
from __future__ import annotations


class ApiError(Exception):
    status = 400
    error_type = "BAD-REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, str]:
        return {"error_type": self.error_type, "message": self.message}


class InvalidJson(ApiError):
    error_type = "INVALID-JSON"


class InvalidParameter(ApiError):
    error_type = "INVALID-PARAMETER"


class MissingParameter(ApiError):
    error_type = "MISSING-PARAMETER"


class UnknownTarget(ApiError):
    error_type = "UNKNOWN-TARGET"


class SessionNotFound(ApiError):
    error_type = "SESSION-NOT-FOUND"


class ConnectionNotFound(ApiError):
    error_type = "CONNECTION-NOT-FOUND"


class AlreadyRecording(ApiError):
    error_type = "ALREADY-RECORDING"


class NotRecording(ApiError):
    error_type = "RECORDING-NOT-FOUND"


class LegacyRecordingDisabled(ApiError):
    error_type = "LEGACY-RECORDING-DISABLED"
