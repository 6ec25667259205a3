import type { Core } from '@strapi/strapi';
import { ConsentConfigError, type PluginConfig } from './schema';

const TEXT_TYPES = ['string', 'text', 'email', 'enumeration', 'uid'];

/**
 * Check the configuration against the host app's content types: every uid must
 * exist and every named field must be an attribute of a fitting type. Called
 * in register(), so a wrong name stops Strapi before anything is served.
 */
export const assertHostTypes = (strapi: Core.Strapi, config: PluginConfig): void => {
  const problems: string[] = [];
  const subjectType = strapi.contentTypes[config.subject.uid as keyof typeof strapi.contentTypes];

  if (!subjectType) {
    problems.push(`subject.uid: "${config.subject.uid}" is not a content type of this app`);
  } else {
    for (const key of ['email', 'phone', 'name', 'language'] as const) {
      const field = config.subject[key];
      if (field === undefined) continue;
      const attribute = subjectType.attributes[field] as { type?: string } | undefined;
      if (!attribute) {
        problems.push(`subject.${key}: "${field}" is not an attribute of ${config.subject.uid}`);
      } else if (!TEXT_TYPES.includes(attribute.type ?? '')) {
        problems.push(
          `subject.${key}: "${field}" of ${config.subject.uid} is a ${attribute.type}, expected a text field`
        );
      }
    }
    const userField = config.subject.user;
    if (userField !== undefined) {
      const attribute = subjectType.attributes[userField] as
        | { type?: string; target?: string }
        | undefined;
      if (!attribute) {
        problems.push(`subject.user: "${userField}" is not an attribute of ${config.subject.uid}`);
      } else if (
        attribute.type !== 'relation' ||
        attribute.target !== 'plugin::users-permissions.user'
      ) {
        problems.push(
          `subject.user: "${userField}" of ${config.subject.uid} must be a relation to plugin::users-permissions.user`
        );
      }
    }
  }

  config.bookings.forEach((booking, index) => {
    const bookingType = strapi.contentTypes[booking.uid as keyof typeof strapi.contentTypes];
    if (!bookingType) {
      problems.push(`bookings.${index}.uid: "${booking.uid}" is not a content type of this app`);
      return;
    }
    const attribute = bookingType.attributes[booking.subject] as
      | { type?: string; target?: string }
      | undefined;
    if (!attribute) {
      problems.push(
        `bookings.${index}.subject: "${booking.subject}" is not an attribute of ${booking.uid}`
      );
    } else if (attribute.type !== 'relation' || attribute.target !== config.subject.uid) {
      problems.push(
        `bookings.${index}.subject: "${booking.subject}" of ${booking.uid} must be a relation to ${config.subject.uid}`
      );
    }
  });

  // The intake creates clients from a contact: it needs a field to find them by, and
  // every required field of the client type must be one it fills or have a default.
  const intakeAt = config.bookings.findIndex((b) => b.intake);
  if (subjectType && intakeAt >= 0) {
    const filled = new Set(
      [
        config.subject.email,
        config.subject.phone,
        config.subject.name,
        config.subject.language,
      ].filter(Boolean)
    );
    if (!config.subject.email && !config.subject.phone) {
      problems.push(
        `bookings.${intakeAt}.intake: the intake finds clients by email or phone: name subject.email or subject.phone (or set intake: false)`
      );
    }
    for (const [field, attribute] of Object.entries(
      subjectType.attributes as Record<
        string,
        { required?: boolean; default?: unknown; type?: string }
      >
    )) {
      if (
        attribute.required &&
        attribute.default === undefined &&
        attribute.type !== 'relation' &&
        !filled.has(field)
      ) {
        problems.push(
          `bookings.${intakeAt}.intake: "${field}" of ${config.subject.uid} is required and the intake cannot fill it: map it in subject, give it a default, or set intake: false`
        );
      }
    }
  }

  if (problems.length > 0) throw new ConsentConfigError(problems);
};
