export { HardtickError } from './errors.js';
