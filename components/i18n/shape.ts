/** The same keys as T, each holding a string: the Chinese table's type. */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
