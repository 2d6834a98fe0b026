// The API's types, generated from the service's OpenAPI document by `npm run client:types`. Do not edit.

export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Metrics in Prometheus text format
         * @description Request counts and durations by route pattern, open WebSockets, group-commit batches, lost real-time events, and the process's CPU, memory, heap, garbage collection and event-loop lag. Open unless the service runs with `METRICS_TOKEN`, in which case it needs `Authorization: Bearer <METRICS_TOKEN>`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Prometheus text exposition format, version 0.0.4. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                /** @description METRICS_TOKEN is set and the request did not carry it. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Authentication credentials were not provided."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is up
         * @description Answers 200 as long as the process serves HTTP; it does not touch the database.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The process is up. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database is reachable and takes writes
         * @description Asks the database whether it takes writes: 200 when it answers that it does, 503 when it fails, does not answer within two seconds, or is read-only (a PostgreSQL standby).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The database answered and takes writes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ready";
                        };
                    };
                };
                /** @description The database failed, did not answer in time, or is read-only. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "unavailable"
                         *     }
                         */
                        "application/json": {
                            /** @enum {string} */
                            status: "unavailable";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/register/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description 1 to 150 letters, digits and . + - _ ; unique ignoring case.
                         * @example alice
                         */
                        username: string;
                        /**
                         * Format: email
                         * @description Unique ignoring case.
                         * @example alice@example.com
                         */
                        email: string;
                        /**
                         * @description 8 to 256 characters, not entirely numeric, not the username or email.
                         * @example correct horse battery staple
                         */
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": 1,
                         *       "username": "alice",
                         *       "email": "alice@example.com"
                         *     }
                         */
                        "application/json": {
                            id: number;
                            username: string;
                            email: string;
                        };
                    };
                };
                /** @description Each invalid field with its messages. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many passwords are waiting to be hashed: try again after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Too many logins at once: try again in a moment."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/login/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with a username or email
         * @description Opens a new session (cookie `sessionid`) and returns a new CSRF token, also set as the `csrftoken` cookie. Send the token as `X-CSRFToken` on every POST, PUT, PATCH and DELETE. Logging in again over a live session replaces it, and needs its token like every unsafe request. A user holds at most 20 sessions: a login past them ends the oldest.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description The username or the email address.
                         * @example alice
                         */
                        username: string;
                        /** @example correct horse battery staple */
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Logged in.",
                         *       "csrf_token": "kY2iXn0Ogs6qbJ7eWOaWHqiQYfSlDGRsnWN4jJ0vQLZYoDJSKbvx5LAqwW7kgJlh",
                         *       "user": {
                         *         "id": 1,
                         *         "username": "alice",
                         *         "email": "alice@example.com"
                         *       }
                         *     }
                         */
                        "application/json": {
                            detail: string;
                            /** @description Send it back as the X-CSRFToken header on POST, PUT, PATCH and DELETE. */
                            csrf_token: string;
                            /**
                             * User
                             * @example {
                             *       "id": 1,
                             *       "username": "alice",
                             *       "email": "alice@example.com"
                             *     }
                             */
                            user: {
                                id: number;
                                username: string;
                                email: string;
                            };
                        };
                    };
                };
                /** @description A missing or blank field. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "password": [
                         *         "This field is required."
                         *       ]
                         *     }
                         */
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description Unknown user or wrong password: the same answer for both. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid username or password."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A foreign Origin, or a live session without its CSRF token. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "CSRF Failed: CSRF token missing."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many passwords are waiting to be hashed: try again after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Too many logins at once: try again in a moment."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/logout/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Log out
         * @description Deletes the session on the server and clears the cookies. Succeeds when not logged in. A POST made with a live session needs the CSRF token, like every unsafe request. A request a browser sent from another site (`Sec-Fetch-Site: cross-site`, or an `Origin` or `Referer` of a site neither this one nor trusted) is refused and changes nothing, so that no page can log its visitors out with a link or an image. `HEAD` is not allowed.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Logged out."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description An `Authorization` header with an unknown, revoked or malformed token. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A request from another site, or a POST with a live session and no CSRF token. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Log out
         * @description Deletes the session on the server and clears the cookies. Succeeds when not logged in. A POST made with a live session needs the CSRF token, like every unsafe request. A request a browser sent from another site (`Sec-Fetch-Site: cross-site`, or an `Origin` or `Referer` of a site neither this one nor trusted) is refused and changes nothing, so that no page can log its visitors out with a link or an image. `HEAD` is not allowed.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Logged out."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description An `Authorization` header with an unknown, revoked or malformed token. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A request from another site, or a POST with a live session and no CSRF token. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your API tokens
         * @description Every API token of yours, newest first, by id (never the token itself); `current` marks the one this request was made with. With a session too, to find a lost device's token and revoke it.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Page number (1 is the first) or `last`. */
                    page?: string;
                    /**
                     * @description Items per page (default 10, at most 100).
                     * @example 10
                     */
                    page_size?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Total number of items across all pages. */
                            count: number;
                            /** @description Absolute URL of the next page, or null. */
                            next: string | null;
                            /** @description Absolute URL of the previous page, or null. */
                            previous: string | null;
                            results: {
                                /** @description Names the token in `GET /tokens/` and `DELETE /tokens/<id>/`; it is not the token. */
                                id: string;
                                /** Format: date-time */
                                created_at: string;
                                /** @description Whether this request was made with it. */
                                current: boolean;
                            }[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A page past the last. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid page."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Get an API token with a username or email
         * @description For clients that are not browsers. Checks the credentials as `POST /login/` does and returns a new token; send it as `Authorization: Token <token>` (or `Bearer <token>`), and no CSRF token is needed. A token lasts until revoked with `DELETE /tokens/current/`; every call makes a new one. Made without a session, this needs no CSRF token either.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description The username or the email address.
                         * @example alice
                         */
                        username: string;
                        /** @example correct horse battery staple */
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "token": "hN3yW0c1m0q8Yb2a7wq3xJX3Jb9sA4u3QnqgWZl0a8E",
                         *       "id": "Xq2v9LmT0aBc4dEf",
                         *       "user": {
                         *         "id": 1,
                         *         "username": "alice",
                         *         "email": "alice@example.com"
                         *       },
                         *       "created_at": "2026-11-25T16:27:37.552Z"
                         *     }
                         */
                        "application/json": {
                            /** @description Send it as `Authorization: Token <token>` (or `Bearer <token>`). It is shown only once: the service keeps a hash of it. */
                            token: string;
                            /** @description Names the token in `GET /tokens/` and `DELETE /tokens/<id>/`; it is not the token. */
                            id: string;
                            /**
                             * User
                             * @example {
                             *       "id": 1,
                             *       "username": "alice",
                             *       "email": "alice@example.com"
                             *     }
                             */
                            user: {
                                id: number;
                                username: string;
                                email: string;
                            };
                            /** Format: date-time */
                            created_at: string;
                        };
                    };
                };
                /** @description A missing or malformed field; or the user holds the most API tokens one may (50) already. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: string[];
                        } | {
                            detail: string;
                        };
                    };
                };
                /** @description Unknown user or wrong password; or a bad API token in `Authorization`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A foreign Origin, or a live session without its CSRF token. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "CSRF Failed: CSRF token missing."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many passwords are waiting to be hashed: try again after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Too many logins at once: try again in a moment."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/current/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke the API token of this request
         * @description The token in `Authorization` stops working at once. Other tokens of the same user are kept.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Made with a session, not with an API token. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "This request was not made with an API token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke one of your API tokens by its id
         * @description It stops working at once, and WebSockets opened with it close with 4001.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No token of yours has this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Not found."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The current user
         * @description Who the session or API token belongs to.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": 1,
                         *       "username": "alice",
                         *       "email": "alice@example.com"
                         *     }
                         */
                        "application/json": {
                            id: number;
                            username: string;
                            email: string;
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete your account
         * @description Needs your password again. Ends every session, API token and WebSocket of yours, on every instance; removes your email address and password hash and frees your username. Your conversations stay readable to your peers, your messages in them shown as from `deleted-<your id>`; delete messages first if they should go too.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Your password, once more. */
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Deleted; the session cookies are cleared. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The password is missing or wrong. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "password": [
                         *         "Your password was entered incorrectly."
                         *       ]
                         *     }
                         */
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many passwords are waiting to be hashed: try again after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Too many logins at once: try again in a moment."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/export/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export your data
         * @description Your profile, your conversations and every message in them, as NDJSON (one JSON object a line): `{"type": "profile", "user"}`, then for each conversation, in the order they began, `{"type": "conversation", "id", "peer", "message_count", "unread_count", "last_read_id"}` followed by its messages, oldest first, `{"type": "message", ...}` as the history shows them. Streamed as it is read; at most 3 an hour.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description NDJSON */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": string;
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users-list/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the users you can message
         * @description Ordered by username; you are left out. `?search=` keeps usernames starting with it.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Page number (1 is the first) or `last`. */
                    page?: string;
                    /**
                     * @description Items per page (default 10, at most 100).
                     * @example 10
                     */
                    page_size?: string;
                    /** @description Only users whose username starts with this (ignoring case). */
                    search?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Total number of items across all pages. */
                            count: number;
                            /** @description Absolute URL of the next page, or null. */
                            next: string | null;
                            /** @description Absolute URL of the previous page, or null. */
                            previous: string | null;
                            results: {
                                id: number;
                                username: string;
                                /** @description Null unless the service shows email addresses to everyone (`EMAIL_VISIBILITY=everyone`). */
                                email: string | null;
                            }[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A page past the last. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid page."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/messages/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List your messages
         * @description Every message you sent or received, oldest first. Nobody else's.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Page number (1 is the first) or `last`. */
                    page?: string;
                    /**
                     * @description Items per page (default 10, at most 100).
                     * @example 10
                     */
                    page_size?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Total number of items across all pages. */
                            count: number;
                            /** @description Absolute URL of the next page, or null. */
                            next: string | null;
                            /** @description Absolute URL of the previous page, or null. */
                            previous: string | null;
                            results: {
                                id: number;
                                /** @description The sender's user id. */
                                sender: number;
                                /** @description The recipient's user id. */
                                recipient: number;
                                sender_username: string;
                                recipient_username: string;
                                /** @description Empty once the message is deleted. */
                                content: string;
                                /**
                                 * Format: date-time
                                 * @description When it was sent (UTC).
                                 */
                                timestamp: string;
                                /** Format: date-time */
                                edited_at: string | null;
                                /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                                client_id: string | null;
                                /** @description A deleted message stays in the history as a tombstone: no content. */
                                deleted: boolean;
                                /** @description The conversation id (one conversation per pair of users). */
                                conversation: number;
                            }[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A page past the last. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid page."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Send a message
         * @description The recipient is a username or an email. With a `client_id` (or an `Idempotency-Key` header) that this sender used before, nothing new is stored and the original message comes back with 200.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Same role as `client_id` in the body (which wins when both are given). */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Username or email of the recipient.
                         * @example bob
                         */
                        recipient: string;
                        /**
                         * @description 1 to 10000 characters (Unicode code points), not only white space, no NUL.
                         * @example Hello, Bob!
                         */
                        content: string;
                        /**
                         * Format: uuid
                         * @description A UUID chosen by the client. Sending again with the same one returns the original message (200).
                         */
                        client_id?: string;
                    };
                };
            };
            responses: {
                /** @description Already sent with this client_id: the original message. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": 42,
                         *       "sender": 1,
                         *       "recipient": 2,
                         *       "sender_username": "alice",
                         *       "recipient_username": "bob",
                         *       "content": "Hello, Bob!",
                         *       "timestamp": "2026-11-25T16:27:37.552Z",
                         *       "edited_at": null,
                         *       "client_id": null,
                         *       "deleted": false,
                         *       "conversation": 7
                         *     }
                         */
                        "application/json": {
                            id: number;
                            /** @description The sender's user id. */
                            sender: number;
                            /** @description The recipient's user id. */
                            recipient: number;
                            sender_username: string;
                            recipient_username: string;
                            /** @description Empty once the message is deleted. */
                            content: string;
                            /**
                             * Format: date-time
                             * @description When it was sent (UTC).
                             */
                            timestamp: string;
                            /** Format: date-time */
                            edited_at: string | null;
                            /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                            client_id: string | null;
                            /** @description A deleted message stays in the history as a tombstone: no content. */
                            deleted: boolean;
                            /** @description The conversation id (one conversation per pair of users). */
                            conversation: number;
                        };
                    };
                };
                /** @description Sent. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": 42,
                         *       "sender": 1,
                         *       "recipient": 2,
                         *       "sender_username": "alice",
                         *       "recipient_username": "bob",
                         *       "content": "Hello, Bob!",
                         *       "timestamp": "2026-11-25T16:27:37.552Z",
                         *       "edited_at": null,
                         *       "client_id": null,
                         *       "deleted": false,
                         *       "conversation": 7
                         *     }
                         */
                        "application/json": {
                            id: number;
                            /** @description The sender's user id. */
                            sender: number;
                            /** @description The recipient's user id. */
                            recipient: number;
                            sender_username: string;
                            recipient_username: string;
                            /** @description Empty once the message is deleted. */
                            content: string;
                            /**
                             * Format: date-time
                             * @description When it was sent (UTC).
                             */
                            timestamp: string;
                            /** Format: date-time */
                            edited_at: string | null;
                            /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                            client_id: string | null;
                            /** @description A deleted message stays in the history as a tombstone: no content. */
                            deleted: boolean;
                            /** @description The conversation id (one conversation per pair of users). */
                            conversation: number;
                        };
                    };
                };
                /** @description Invalid field, or no such recipient. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: string[];
                        } | {
                            error: string;
                            recipient: string[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/messages/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one of your messages */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The message id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": 42,
                         *       "sender": 1,
                         *       "recipient": 2,
                         *       "sender_username": "alice",
                         *       "recipient_username": "bob",
                         *       "content": "Hello, Bob!",
                         *       "timestamp": "2026-11-25T16:27:37.552Z",
                         *       "edited_at": null,
                         *       "client_id": null,
                         *       "deleted": false,
                         *       "conversation": 7
                         *     }
                         */
                        "application/json": {
                            id: number;
                            /** @description The sender's user id. */
                            sender: number;
                            /** @description The recipient's user id. */
                            recipient: number;
                            sender_username: string;
                            recipient_username: string;
                            /** @description Empty once the message is deleted. */
                            content: string;
                            /**
                             * Format: date-time
                             * @description When it was sent (UTC).
                             */
                            timestamp: string;
                            /** Format: date-time */
                            edited_at: string | null;
                            /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                            client_id: string | null;
                            /** @description A deleted message stays in the history as a tombstone: no content. */
                            deleted: boolean;
                            /** @description The conversation id (one conversation per pair of users). */
                            conversation: number;
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No such message of yours. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Not found."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a message you sent
         * @description The content is erased from storage; the message stays in the history as a tombstone (`"deleted": true`, empty content). Only the sender may. Deleting again changes nothing.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The message id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not logged in, CSRF, or not the sender. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "You do not have permission to perform this action."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No such message of yours. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Not found."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Edit a message you sent
         * @description Replaces the content and sets `edited_at`. Only the sender may, and not once the recipient has blocked them; a deleted message cannot be edited.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The message id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description 1 to 10000 characters (Unicode code points), not only white space, no NUL.
                         * @example Hello, Bob!
                         */
                        content: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": 42,
                         *       "sender": 1,
                         *       "recipient": 2,
                         *       "sender_username": "alice",
                         *       "recipient_username": "bob",
                         *       "content": "Hello, Bob!",
                         *       "timestamp": "2026-11-25T16:27:37.552Z",
                         *       "edited_at": null,
                         *       "client_id": null,
                         *       "deleted": false,
                         *       "conversation": 7
                         *     }
                         */
                        "application/json": {
                            id: number;
                            /** @description The sender's user id. */
                            sender: number;
                            /** @description The recipient's user id. */
                            recipient: number;
                            sender_username: string;
                            recipient_username: string;
                            /** @description Empty once the message is deleted. */
                            content: string;
                            /**
                             * Format: date-time
                             * @description When it was sent (UTC).
                             */
                            timestamp: string;
                            /** Format: date-time */
                            edited_at: string | null;
                            /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                            client_id: string | null;
                            /** @description A deleted message stays in the history as a tombstone: no content. */
                            deleted: boolean;
                            /** @description The conversation id (one conversation per pair of users). */
                            conversation: number;
                        };
                    };
                };
                /** @description The new content is missing, blank or too long. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "content": [
                         *         "This field may not be blank."
                         *       ]
                         *     }
                         */
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description Not logged in, CSRF, not the sender, or blocked by the recipient. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No such message of yours. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Not found."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description The message was deleted. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "This message was deleted."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/list-messages/{recipient}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The conversation with one user
         * @description Messages between you and that user (a username or an email), in one of two forms.
         *
         *     **Page numbers** (the original form): oldest first, page 1 holds the oldest, `?page=last` the newest; `count` is the number of messages in the conversation.
         *
         *     **Keyset** (for clients that scroll): `?before=<id>` (newest first), `?after=<id>` or `?around=<id>` (oldest first), with `limit` (default 50, at most 100), answering `{"results", "has_older", "has_newer"}`. It costs the same wherever in the history it reads.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Page-number form: page number (1 is the oldest) or `last`. */
                    page?: string;
                    /**
                     * @description Page-number form: messages per page (default 10, at most 100).
                     * @example 10
                     */
                    page_size?: string;
                    /** @description Keyset form: messages older than this id, newest first. */
                    before?: number;
                    /** @description Keyset form: messages newer than this id, oldest first; `after=0` reads from the oldest. */
                    after?: number;
                    /** @description Keyset form: this message with the ones just before and after it, oldest first. */
                    around?: number;
                    /** @description Keyset form: at most this many messages (default 50; above 100 counts as 100). */
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description Username or email of the other user. */
                    recipient: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Total number of items across all pages. */
                            count: number;
                            /** @description Absolute URL of the next page, or null. */
                            next: string | null;
                            /** @description Absolute URL of the previous page, or null. */
                            previous: string | null;
                            results: {
                                id: number;
                                /** @description The sender's user id. */
                                sender: number;
                                /** @description The recipient's user id. */
                                recipient: number;
                                sender_username: string;
                                recipient_username: string;
                                /** @description Empty once the message is deleted. */
                                content: string;
                                /**
                                 * Format: date-time
                                 * @description When it was sent (UTC).
                                 */
                                timestamp: string;
                                /** Format: date-time */
                                edited_at: string | null;
                                /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                                client_id: string | null;
                                /** @description A deleted message stays in the history as a tombstone: no content. */
                                deleted: boolean;
                                /** @description The conversation id (one conversation per pair of users). */
                                conversation: number;
                            }[];
                        } | {
                            results: {
                                id: number;
                                /** @description The sender's user id. */
                                sender: number;
                                /** @description The recipient's user id. */
                                recipient: number;
                                sender_username: string;
                                recipient_username: string;
                                /** @description Empty once the message is deleted. */
                                content: string;
                                /**
                                 * Format: date-time
                                 * @description When it was sent (UTC).
                                 */
                                timestamp: string;
                                /** Format: date-time */
                                edited_at: string | null;
                                /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                                client_id: string | null;
                                /** @description A deleted message stays in the history as a tombstone: no content. */
                                deleted: boolean;
                                /** @description The conversation id (one conversation per pair of users). */
                                conversation: number;
                            }[];
                            /** @description Older messages exist: ask again with before=<the oldest id here>. */
                            has_older: boolean;
                            /** @description Newer messages exist: ask again with after=<the newest id here>. */
                            has_newer: boolean;
                        };
                    };
                };
                /** @description A cursor or limit that is not a valid number (by field), or more than one of before, after and around. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: string[];
                        } | {
                            detail: string;
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No such user, or a page past the last. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your inbox
         * @description One entry per person you have exchanged messages with, latest activity first, with the last message and your unread count. Follow `next` for older conversations.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Cursor: conversations whose last message is older than this message id (take it from `next`). */
                    before?: number;
                    /** @description At most this many (default 20; above 100 counts as 100). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Absolute URL of the next page, or null. */
                            next: string | null;
                            results: {
                                /** @description The conversation id. */
                                id: number;
                                /**
                                 * OtherUser
                                 * @example {
                                 *       "id": 2,
                                 *       "username": "bob",
                                 *       "email": null
                                 *     }
                                 */
                                peer: {
                                    id: number;
                                    username: string;
                                    /** @description Null unless the service shows email addresses to everyone (`EMAIL_VISIBILITY=everyone`). */
                                    email: string | null;
                                };
                                /**
                                 * Message
                                 * @example {
                                 *       "id": 42,
                                 *       "sender": 1,
                                 *       "recipient": 2,
                                 *       "sender_username": "alice",
                                 *       "recipient_username": "bob",
                                 *       "content": "Hello, Bob!",
                                 *       "timestamp": "2026-11-25T16:27:37.552Z",
                                 *       "edited_at": null,
                                 *       "client_id": null,
                                 *       "deleted": false,
                                 *       "conversation": 7
                                 *     }
                                 */
                                last_message: {
                                    id: number;
                                    /** @description The sender's user id. */
                                    sender: number;
                                    /** @description The recipient's user id. */
                                    recipient: number;
                                    sender_username: string;
                                    recipient_username: string;
                                    /** @description Empty once the message is deleted. */
                                    content: string;
                                    /**
                                     * Format: date-time
                                     * @description When it was sent (UTC).
                                     */
                                    timestamp: string;
                                    /** Format: date-time */
                                    edited_at: string | null;
                                    /** @description The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient. */
                                    client_id: string | null;
                                    /** @description A deleted message stays in the history as a tombstone: no content. */
                                    deleted: boolean;
                                    /** @description The conversation id (one conversation per pair of users). */
                                    conversation: number;
                                };
                                message_count: number;
                                /** @description Messages from the peer after your read mark (deleted ones do not count). */
                                unread_count: number;
                                /** @description The id of the last message you marked read (0 for none). */
                                last_read_id: number;
                            }[];
                        };
                    };
                };
                /** @description A cursor or limit that is not a valid number. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "before": [
                         *         "A valid integer is required."
                         *       ]
                         *     }
                         */
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{user}/read/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark a conversation read
         * @description Marks everything up to `up_to` (a message of this conversation) read. Marks only move forward: an older id changes nothing. Answers the read mark and the unread count that remains.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Username or email of the other member of the conversation. */
                    user: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description A message id of this conversation.
                         * @example 42
                         */
                        up_to: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            conversation: number;
                            /** @description Never moves back: reading up to an older id leaves it as it was. */
                            last_read_id: number;
                            unread_count: number;
                        };
                    };
                };
                /** @description `up_to` missing, not a number, or not a message of this conversation. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "up_to": [
                         *         "There is no message with this id in this conversation."
                         *       ]
                         *     }
                         */
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No such user, or no conversation with them. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Not found."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/blocks/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The users you blocked */
        get: {
            parameters: {
                query?: {
                    /** @description Page number (1 is the first) or `last`. */
                    page?: string;
                    /**
                     * @description Items per page (default 10, at most 100).
                     * @example 10
                     */
                    page_size?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Total number of items across all pages. */
                            count: number;
                            /** @description Absolute URL of the next page, or null. */
                            next: string | null;
                            /** @description Absolute URL of the previous page, or null. */
                            previous: string | null;
                            results: {
                                /**
                                 * OtherUser
                                 * @example {
                                 *       "id": 2,
                                 *       "username": "bob",
                                 *       "email": null
                                 *     }
                                 */
                                user: {
                                    id: number;
                                    username: string;
                                    /** @description Null unless the service shows email addresses to everyone (`EMAIL_VISIBILITY=everyone`). */
                                    email: string | null;
                                };
                                /** Format: date-time */
                                created_at: string;
                            }[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description A page past the last. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid page."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Block a user
         * @description A user you block cannot send you messages (403) and is left out of your users list. Blocking someone already blocked answers 200.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Username or email of the user to block.
                         * @example mallory
                         */
                        user: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * OtherUser
                             * @example {
                             *       "id": 2,
                             *       "username": "bob",
                             *       "email": null
                             *     }
                             */
                            user: {
                                id: number;
                                username: string;
                                /** @description Null unless the service shows email addresses to everyone (`EMAIL_VISIBILITY=everyone`). */
                                email: string | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * OtherUser
                             * @example {
                             *       "id": 2,
                             *       "username": "bob",
                             *       "email": null
                             *     }
                             */
                            user: {
                                id: number;
                                username: string;
                                /** @description Null unless the service shows email addresses to everyone (`EMAIL_VISIBILITY=everyone`). */
                                email: string | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                        };
                    };
                };
                /** @description No such user, or yourself. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "user": [
                         *         "No user with this username or email."
                         *       ]
                         *     }
                         */
                        "application/json": {
                            [key: string]: string[];
                        };
                    };
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/blocks/{user}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Unblock a user */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Username or email of a user you blocked. */
                    user: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Unblocked. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Invalid token."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Not logged in, or a missing or wrong CSRF token on an unsafe method. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description No such user, or not blocked. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Not found."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
                /** @description Too many requests: wait the seconds in `Retry-After`. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "detail": "Request was throttled. Expected available in 42 seconds."
                         *     }
                         */
                        "application/json": {
                            detail: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
