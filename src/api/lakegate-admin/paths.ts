/** Where Lakegate's additions to the catalog REST API live. */
export const LG_PREFIX = '/api/2.1/lakegate';
