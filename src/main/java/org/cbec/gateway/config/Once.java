package org.cbec.gateway.config;

import java.util.function.Supplier;

/**
 * One object a configuration hands out, made on the first call and the same object after: Camel calls a
 * {@code @BindToRegistry} method once, but the sibling methods that build on its bean call it again.
 */
final class Once<T> {
    private T value;

    /** The object, made by {@code make} if this is the first call. */
    synchronized T get(Supplier<? extends T> make) {
        if (value == null) {
            value = make.get();
        }
        return value;
    }

    /** The object if it was made already, else null. */
    synchronized T made() {
        return value;
    }
}
