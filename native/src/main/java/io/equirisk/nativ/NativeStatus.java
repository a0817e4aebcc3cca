package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import io.equirisk.error.InvalidInputException;
import io.equirisk.nativ.ffi.EquiriskH;

/**
 * Turns an {@code er_status} into the API's exceptions: {@code ER_INVALID_ARGUMENT} is the caller's input
 * ({@link InvalidInputException}); every other failure is the backend's ({@link BackendException}). The message carries
 * {@code er_last_error()}, which must be read on the thread that made the failing call, right after it: the
 * C side keeps it thread-local (nothing here blocks between the two calls, so a virtual thread cannot move between
 * carriers in between).
 */
final class NativeStatus {
    private NativeStatus() {
    }

    static void check(EquiriskH api, int status, String call) {
        if (status == EquiriskH.ER_OK) {
            return;
        }
        String text = api.er_last_error();
        if (text.startsWith(call + ": ")) { // the library's texts mostly name their function: not twice
            text = text.substring(call.length() + 2);
        }
        String detail = text.isEmpty() ? "" : ": " + text;
        switch (status) {
            case EquiriskH.ER_INVALID_ARGUMENT ->
                    throw new InvalidInputException(call + " rejected its input" + detail);
            case EquiriskH.ER_NO_DEVICE -> throw new BackendException(call + ": no usable CUDA device" + detail);
            case EquiriskH.ER_OUT_OF_MEMORY -> throw new BackendException(call + ": out of memory" + detail);
            case EquiriskH.ER_CUDA_ERROR -> throw new BackendException(call + ": CUDA error" + detail);
            case EquiriskH.ER_INTERNAL -> throw new BackendException(call + ": internal error" + detail);
            default -> throw new BackendException(call + " returned unknown status " + status + detail);
        }
    }

    static String name(int status) {
        return switch (status) {
            case EquiriskH.ER_OK -> "ER_OK";
            case EquiriskH.ER_INVALID_ARGUMENT -> "ER_INVALID_ARGUMENT";
            case EquiriskH.ER_NO_DEVICE -> "ER_NO_DEVICE";
            case EquiriskH.ER_OUT_OF_MEMORY -> "ER_OUT_OF_MEMORY";
            case EquiriskH.ER_CUDA_ERROR -> "ER_CUDA_ERROR";
            case EquiriskH.ER_INTERNAL -> "ER_INTERNAL";
            default -> "status " + status;
        };
    }
}
