{-# LANGUAGE OverloadedStrings #-}
-- | mime-mail-ses (Debian libghc-mime-mail-ses-dev), as its documentation shows:
-- @sendMailSES manager SES{..} rawMessage@ for SendRawEmail, and for SendEmail a
-- 'Network.Mail.Mime.Mail' built from the scenario (From, To, Cc, Bcc, Reply-To, Subject, a
-- text and an HTML alternative) sent with @renderSendMailSES@, the way a Haskell user sends
-- such a message. Its endpoint is fixed (https://email.REGION.amazonaws.com: no port can be
-- given); temporary credentials: sesSessionToken. The manager from "Sesspec" connects it to the
-- loopback endpoint.
module Main (main) where

import qualified Data.ByteString.Lazy     as L
import           Data.Text                (Text)
import qualified Data.Text.Encoding       as TE
import qualified Data.Text.Lazy           as LT
import           Network.Mail.Mime        (Address (..), Mail (..), addPart, emptyMail, htmlPart,
                                           plainPart)
import           Network.Mail.Mime.SES    (SES (..), renderSendMailSES, sendMailSES)
import           Sesspec

main :: IO ()
main = sesspecMain $ \job manager -> do
  let ses recipients = SES
        { sesFrom = TE.encodeUtf8 (textParam ["Source"] job)
        , sesTo = map TE.encodeUtf8 recipients
        , sesAccessKey = TE.encodeUtf8 (jobAccessKey job)
        , sesSecretKey = TE.encodeUtf8 (jobSecretKey job)
        , sesSessionToken = TE.encodeUtf8 <$> jobSessionToken job
        , sesRegion = jobRegion job
        }
      addresses = map (Address Nothing) . (`textList` job)
  case jobAction job of
    "SendRawEmail" -> do
      let raw = TE.encodeUtf8 (textParam ["RawMessage", "Data"] job)
      sendMailSES manager (ses (textList ["Destinations"] job)) (L.fromStrict raw)
      pure (ok "")
    "SendEmail" -> do
      let to = ["Destination", "ToAddresses"]
          cc = ["Destination", "CcAddresses"]
          bcc = ["Destination", "BccAddresses"]
          body kind = param ["Message", "Body", kind, "Data"] job :: Maybe Text
          parts = [plainPart (LT.fromStrict t) | Just t <- [body "Text"]]
                  ++ [htmlPart (LT.fromStrict t) | Just t <- [body "Html"]]
          replyTo = [("Reply-To", r) | r <- textList ["ReplyToAddresses"] job]
          mail = addPart parts (emptyMail (Address Nothing (textParam ["Source"] job)))
            { mailTo = addresses to
            , mailCc = addresses cc
            , mailBcc = addresses bcc
            , mailHeaders = ("Subject", textParam ["Message", "Subject", "Data"] job) : replyTo
            }
          recipients = concatMap (`textList` job) [to, cc, bcc]
      renderSendMailSES manager (ses recipients) mail
      pure (ok "")
    other -> pure (notSupported ("mime-mail-ses has no " <> other))
