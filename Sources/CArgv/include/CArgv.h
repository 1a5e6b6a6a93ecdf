/* Intentionally empty: the target only provides the two argv symbols below to the link. */
