{-# LANGUAGE OverloadedStrings #-}
-- | aws (Debian libghc-aws-dev), as its documentation shows: a 'Aws.Configuration' with the
-- credentials, @sesHttpsPost@ with the region's SES host, and @pureAws@ with the command
-- (SendRawEmail, ListIdentities: the SES Classic calls the package has). It signs SES with
-- AWS3-HTTPS; temporary credentials are its Credentials' iamToken; its SesConfiguration has a
-- host and no port. The manager from "Sesspec" connects it to the loopback endpoint.
module Main (main) where

import qualified Aws
import qualified Aws.Ses                      as Ses
import           Control.Monad.Trans.Resource (runResourceT)
import qualified Data.Text                    as T
import qualified Data.Text.Encoding           as TE
import           Sesspec

main :: IO ()
main = sesspecMain $ \job manager -> do
  longTerm <- Aws.makeCredentials (TE.encodeUtf8 (jobAccessKey job))
                                  (TE.encodeUtf8 (jobSecretKey job))
  let credentials = longTerm { Aws.iamToken = TE.encodeUtf8 <$> jobSessionToken job }
  let configuration = Aws.Configuration
        { Aws.timeInfo = Aws.Timestamp
        , Aws.credentials = credentials
        , Aws.logger = Aws.defaultLog Aws.Warning
        , Aws.proxy = Nothing
        }
      ses = Ses.sesHttpsPost (TE.encodeUtf8 (jobHost job))
  case jobAction job of
    "SendRawEmail" -> do
      response <- runResourceT $ Aws.pureAws configuration ses manager Ses.SendRawEmail
        { Ses.srmDestinations = textList ["Destinations"] job
        , Ses.srmRawMessage = Ses.RawMessage (TE.encodeUtf8 (textParam ["RawMessage", "Data"] job))
        , Ses.srmSource = Just (Ses.Sender (textParam ["Source"] job))
        }
      pure (ok (Ses.srmrMessageId response))
    "ListIdentities" -> do
      let kind = case param ["IdentityType"] job :: Maybe T.Text of
            Just "Domain" -> Just Ses.Domain
            Just _ -> Just Ses.EmailAddress
            Nothing -> Nothing
      Ses.ListIdentitiesResponse identities <- runResourceT $
        Aws.pureAws configuration ses manager Ses.ListIdentities
          { Ses.liIdentityType = kind
          , Ses.liMaxItems = param ["MaxItems"] job
          , Ses.liNextToken = Nothing
          }
      pure (ok (T.intercalate ", " identities))
    other -> pure (notSupported ("aws has no " <> other <> " for SES"))
