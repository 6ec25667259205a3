import { Layouts, Page } from '@strapi/strapi/admin';

/** The browser tab's title and the page's header: both say the page's title. */
export const PageHeader = ({
  title,
  subtitle,
  action,
}: {
  title: string;
  subtitle: string;
  action?: React.ReactNode;
}) => (
  <>
    <Page.Title>{title}</Page.Title>
    <Layouts.Header title={title} subtitle={subtitle} primaryAction={action} />
  </>
);
