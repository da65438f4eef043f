/** Switches Russian ⇄ English; the label is the other language, in that language. */
import { useI18n } from '../i18n.tsx';

export function LangSwitch(props: { quiet?: boolean }) {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'ru' ? 'en' : 'ru';
  return (
    <button
      type="button"
      className={`btn lang-switch${props.quiet === false ? '' : ' btn-quiet'}`}
      lang={other}
      aria-label={`${t('lang.label')}: ${t('lang.switchTo')}`}
      onClick={() => setLang(other)}
    >
      <span className="long">{t('lang.switchTo')}</span>
      <span className="short" aria-hidden="true">
        {other.toUpperCase()}
      </span>
    </button>
  );
}
