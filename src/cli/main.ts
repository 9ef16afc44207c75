export { EXIT, main } from './program.js';
