import contentTypes from '../../content-types/index';

export default contentTypes;
