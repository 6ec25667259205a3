export { default as clients } from './clients';
export { default as overview } from './overview';
