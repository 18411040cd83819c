/**
 * Input checks shared by the model functions: each throws a RetentionInputError naming the
 * function, the path and the record index. Internal; the checks live in core.
 *
 * @module
 */
export { at, requireArray, requireNumber, requireObject, type Where } from '../core/check';
