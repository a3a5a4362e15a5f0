package org.mlsec.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** A refused request: the HTTP status and a JSON body naming what and where. */
final class ApiError extends RuntimeException {
    final int status;
    final Map<String, Object> body = new LinkedHashMap<>();
    /** Headers the answer carries (Retry-After). */
    final Map<String, String> headers = new LinkedHashMap<>();

    ApiError(int status, String error) {
        super(error, null, false, false);
        this.status = status;
        body.put("error", error);
    }

    ApiError at(int row, String field) {
        if (row >= 0) {
            body.put("row", row);
        }
        if (field != null) {
            body.put("field", field);
        }
        return this;
    }

    ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    ApiError rule(String rule) {
        body.put("rule", rule);
        return this;
    }
}
