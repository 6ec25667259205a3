import bookings from './bookings';
import me from './me';
import purposes from './purposes';
import subjects from './subjects';
import texts from './texts';

export default { bookings, me, purposes, subjects, texts };
