import purposes from './purposes';
import subjects from './subjects';
import texts from './texts';

export default { purposes, subjects, texts };
